// A small history for the report tests: three scans recorded in a fresh SQLite store.
import type { Scan } from '../../src/model.js';
import type { ReportHistory } from '../../src/report/types.js';
import { openSqlite } from '../../src/store/db.js';
import { reportHistory } from '../../src/store/history.js';
import { recordScan } from '../../src/store/record.js';
import { migrate } from '../../src/store/schema.js';
import { freshSqlitePath, makeScan, night } from '../store/helpers.js';

/** Three scans in a store: f1 all along, f2 from night 2, f3 from night 3 (excepted nowhere). */
export const threeNights = async (): Promise<{ scan: Scan; history: ReportHistory }> => {
  const db = openSqlite(freshSqlitePath());
  await migrate(db);
  try {
    await recordScan(db, { ...makeScan(night(1), [{ uid: 'f1' }]), evaluations: [] });
    await recordScan(db, {
      ...makeScan(night(2), [{ uid: 'f1' }, { uid: 'f2', severity: 'medium' }]),
      evaluations: [],
    });
    const third = makeScan(night(3), [
      { uid: 'f1' },
      { uid: 'f2', severity: 'medium' },
      { uid: 'f3', severity: 'critical' },
    ]);
    const recorded = await recordScan(db, { ...third, evaluations: [] });
    return {
      scan: { ...third, evaluations: [] },
      history: await reportHistory(db, recorded, third.findings, 'test.sqlite'),
    };
  } finally {
    await db.close();
  }
};

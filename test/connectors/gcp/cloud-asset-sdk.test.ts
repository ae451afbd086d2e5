// providers.gcp.cloudAssetInventory loads @google-cloud/asset on demand (an option SDK); what an
// install without it does is tested in test/e2e/optional-sdks.test.ts.
import { describe, expect, it } from 'vitest';
import { optionSdkInstallCommand } from '../../../src/connector.js';
import { gcpLight } from '../../../connectors/gcp/provider.js';

describe('Cloud Asset Inventory client', () => {
  it('is an option SDK of the Google Cloud connector, never a reason to leave the connector out', () => {
    expect(gcpLight.optionSdks).toEqual({ '@google-cloud/asset': '^6.3.3' });
    expect(gcpLight.optionalSdks).toBeUndefined();
    expect(optionSdkInstallCommand(gcpLight, '@google-cloud/asset')).toBe(
      'npm install @google-cloud/asset@^6.3.3',
    );
    expect(() => optionSdkInstallCommand(gcpLight, 'left-pad')).toThrow(
      /not one of the connector's optionSdks/,
    );
  });
});

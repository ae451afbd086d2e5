// The CIS benchmark recommendations this provider's identities bear on, registered as a framework
// by the connector. The CIS text is copyrighted: ids as CIS numbers them in the version the label
// names, with our own short paraphrase. Verified against two independent public compliance mappings.
import { type Framework, catalog } from '../../src/controls/framework.js';

/** CIS GitHub Benchmark v1.0.0 (ids unchanged in v1.1.0 and v1.2.0). */
export const CIS_GITHUB: Record<string, string> = {
  '1.3.1': 'Review inactive accounts regularly and remove them.',
  '1.4.1': 'Installing an application requires an administrator\u2019s approval.',
  '1.4.2': 'Review stale applications and remove unused ones.',
  '1.4.3': 'Give each installed application least privilege (permissions and repository access).',
  '1.4.4': 'Use only secured (HTTPS, SSL-verified) webhooks.',
  '2.1.7': 'Scope build secrets as narrowly as possible (repository-level rather than organisation-level).',
};

export const cisGithubFramework: Framework = {
  id: 'cisGithub',
  label: 'CIS-GitHub-1.0',
  title: 'CIS GitHub Benchmark v1.0.0',
  controls: catalog(CIS_GITHUB),
  provider: 'github',
};

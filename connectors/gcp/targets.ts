// The Google Cloud targets a config block names: light (no API client), so the registry lists
// them without loading the connector's collect code.
import type { Target } from '../../src/connector.js';
import type { GcpConfig } from './config.js';
import type { ProjectInventory } from './cloud-asset.js';
import type { Inherited } from './hierarchy.js';
import type { Project } from './schema.js';

/** How an organization / folder target found a project: what its collection needs from the listing. */
export interface ListedProject {
  /** The organization or folder that listed it ("organizations/123"). */
  root: string;
  /** As projects.list returned it (number, labels, parent): no projects.get needed. */
  project: Project;
  /** Roles granted above the project, read once by the listing for all its projects;
   *  absent when `inheritedPolicies` is off. */
  inherited?: Inherited;
  /** The project's assets as Cloud Asset Inventory listed them (`cloudAssetInventory`). */
  inventory?: ProjectInventory;
}

export type GcpTargetData =
  | { kind: 'project'; projectId: string; listed?: ListedProject }
  | { kind: 'organization' | 'folder'; id: string };

export const projectTarget = (projectId: string, listed?: ListedProject): Target<GcpTargetData> => ({
  id: `gcp:project/${projectId}`,
  provider: 'gcp',
  label: listed ? `GCP project ${projectId} (in ${listed.root})` : `GCP project ${projectId}`,
  data: { kind: 'project', projectId, ...(listed ? { listed } : {}) },
});

/** One target per project, organization and folder named; a value listed twice is one target. */
export const gcpTargets = (config: GcpConfig): Target<GcpTargetData>[] => [
  ...[...new Set(config.projects)].map((projectId) => projectTarget(projectId)),
  ...[...new Set(config.organizations)].map((id) => ({
    id: `gcp:organization/${id}`,
    provider: 'gcp',
    label: `GCP organization ${id}`,
    data: { kind: 'organization' as const, id },
  })),
  ...[...new Set(config.folders)].map((id) => ({
    id: `gcp:folder/${id}`,
    provider: 'gcp',
    label: `GCP folder ${id}`,
    data: { kind: 'folder' as const, id },
  })),
];

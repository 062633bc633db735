import path from 'node:path';
import type { TerraformStack } from 'cdktf';
import { LocalBackend, S3Backend } from 'cdktf';
import type { InfraSettings } from './settings';

/**
 * Where Terraform keeps each stack's state: an S3 bucket when TICKFLOW_TF_STATE_BUCKET is set
 * (what a team should use), else a local file under infra/state/ (git-ignored). The services
 * stack reads the network stack's outputs from the same backend.
 */
export function useBackend(stack: TerraformStack, id: string, settings: InfraSettings): void {
  if (settings.stateBucket) {
    new S3Backend(stack, {
      bucket: settings.stateBucket,
      key: `${settings.env}/${id}.tfstate`,
      region: settings.region,
      encrypt: true,
    });
    // S3-native state locking (Terraform ≥ 1.10); cdktf 0.21's S3Backend has no field for it yet.
    stack.addOverride('terraform.backend.s3.use_lockfile', true);
  } else {
    new LocalBackend(stack, { path: path.join(__dirname, 'state', `${settings.env}-${id}.tfstate`) });
  }
}

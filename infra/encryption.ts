import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import type { StackContext } from './stack-context';

const KEY_ADMIN_AND_USE = [
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:UpdateKeyDescription',
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:ListAliases',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:CreateGrant',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:RetireGrant',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
];

/** One KMS key for all data at rest: the account administers it, IAM policies grant its use. */
export function dataKey(ctx: StackContext): KmsKey {
  const { scope, settings, accountId } = ctx;
  const logsPrincipal = `logs.${settings.region}.amazonaws.com`;
  const key = new KmsKey(scope, 'key', {
    description: `${settings.env}: tickflow data at rest`,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        // The account administers the key and delegates its use to IAM policies, which grant the
        // roles below only what they use. In a key policy "*" as resource means this key.
        {
          Sid: 'AccountAdministersAndDelegates',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${accountId}:root` },
          Action: KEY_ADMIN_AND_USE,
          Resource: '*',
        },
        {
          Sid: 'CloudWatchLogsEncrypts',
          Effect: 'Allow',
          Principal: { Service: logsPrincipal },
          Action: [
            'kms:Encrypt',
            'kms:Decrypt',
            'kms:ReEncryptFrom',
            'kms:ReEncryptTo',
            'kms:GenerateDataKey',
            'kms:GenerateDataKeyWithoutPlaintext',
            'kms:DescribeKey',
          ],
          Resource: '*',
          Condition: {
            ArnLike: {
              'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${settings.region}:${accountId}:log-group:/${settings.env}/*`,
            },
          },
        },
        {
          Sid: 'AlarmsPublishToEncryptedTopic',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          Resource: '*',
        },
      ],
    }),
  });
  new KmsAlias(scope, 'key-alias', { name: `alias/${settings.env}`, targetKeyId: key.keyId });
  return key;
}

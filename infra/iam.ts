import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';

export interface Statement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * Actions AWS does not let you scope to a resource; `Resource: "*"` is required for these and
 * only these (the IAM test walks every policy with this list).
 */
export const UNSCOPABLE_ACTIONS = new Set(['ecr:GetAuthorizationToken', 'cloudwatch:PutMetricData']);

const policy = (statements: Statement[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** A role for one AWS service principal with one inline policy. */
export function serviceRole(
  scope: Construct,
  id: string,
  name: string,
  principal: string,
  statements: Statement[],
): IamRole {
  const role = new IamRole(scope, id, {
    name,
    assumeRolePolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: principal }, Action: 'sts:AssumeRole' }],
    }),
  });
  new IamRolePolicy(scope, `${id}-policy`, { name: `${name}-policy`, role: role.id, policy: policy(statements) });
  return role;
}

/**
 * What an ECS task execution role needs to start a task from the app image: log in to ECR and
 * pull the image, write to its log groups, read its secrets (`secrets.sid` names the grant).
 * The KMS decrypt grant, scoped to the data key, is added by the caller.
 */
export function executionStatements(
  appRepositoryArn: string,
  logGroupArns: string[],
  secrets: { sid: string; arns: string[] },
): Statement[] {
  return [
    { Sid: 'EcrLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: ['*'] },
    {
      Sid: 'PullAppImage',
      Effect: 'Allow',
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      Resource: [appRepositoryArn],
    },
    {
      Sid: 'WriteLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: logGroupArns.map((arn) => `${arn}:*`),
    },
    { Sid: secrets.sid, Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: secrets.arns },
  ];
}

import { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { serviceRole, executionStatements } from './iam';
import type { InfraSettings } from './settings';

const API_PORT = 8787;

export interface ApiServiceProps {
  settings: InfraSettings;
  name: (suffix: string) => string;
  vpcId: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
  clusterId: string;
  keyArn: string;
  image: string;
  imageRepositoryArn: string;
  temporalSecretArn: string;
  environment: Array<{ name: string; value: string }>;
  secrets: Array<{ name: string; valueFrom: string }>;
  /** Tables the API reads (series, bars, predictions, alerts, models). */
  readTableArns: string[];
  endpointArn: string;
}

/**
 * The API, dashboard and training portal on Fargate behind an Application Load Balancer that
 * only the configured CIDR ranges reach (HTTPS when a certificate is given, HTTP otherwise).
 * The tasks sit in private subnets without public IPs and accept traffic from the ALB alone.
 */
export class ApiService extends Construct {
  constructor(scope: Construct, id: string, props: ApiServiceProps) {
    super(scope, id);
    const { settings, name } = props;
    const https = settings.apiCertificateArn !== undefined;
    const listenPort = https ? 443 : 80;

    const albGroup = new SecurityGroup(this, 'alb-sg', {
      name: name('api-alb'),
      description: 'tickflow API load balancer: inbound from the allowed CIDR ranges only',
      vpcId: props.vpcId,
    });
    settings.apiAllowedCidrs.forEach(
      (cidr, i) =>
        new VpcSecurityGroupIngressRule(this, `alb-in-${i}`, {
          securityGroupId: albGroup.id,
          ipProtocol: 'tcp',
          fromPort: listenPort,
          toPort: listenPort,
          cidrIpv4: cidr,
          description: 'allowed client range',
        }),
    );
    const taskGroup = new SecurityGroup(this, 'task-sg', {
      name: name('api-tasks'),
      description: 'tickflow API tasks: inbound from the ALB only; outbound HTTPS and Temporal gRPC',
      vpcId: props.vpcId,
    });
    new VpcSecurityGroupEgressRule(this, 'alb-to-tasks', {
      securityGroupId: albGroup.id,
      ipProtocol: 'tcp',
      fromPort: API_PORT,
      toPort: API_PORT,
      referencedSecurityGroupId: taskGroup.id,
      description: 'to the API tasks',
    });
    new VpcSecurityGroupIngressRule(this, 'tasks-from-alb', {
      securityGroupId: taskGroup.id,
      ipProtocol: 'tcp',
      fromPort: API_PORT,
      toPort: API_PORT,
      referencedSecurityGroupId: albGroup.id,
      description: 'from the ALB',
    });
    for (const [port, what] of [
      [443, 'AWS APIs over HTTPS'],
      [7233, 'Temporal frontend (gRPC)'],
    ] as const) {
      new VpcSecurityGroupEgressRule(this, `tasks-egress-${port}`, {
        securityGroupId: taskGroup.id,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
        description: what,
      });
    }

    const alb = new Lb(this, 'alb', {
      name: name('api'),
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [albGroup.id],
      subnets: props.publicSubnetIds,
      dropInvalidHeaderFields: true,
      idleTimeout: 120,
    });
    const targets = new LbTargetGroup(this, 'targets', {
      name: name('api'),
      port: API_PORT,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: props.vpcId,
      deregistrationDelay: '15',
      healthCheck: { path: '/openapi.json', matcher: '200', interval: 15, healthyThreshold: 2, unhealthyThreshold: 3 },
    });
    new LbListener(this, 'listener', {
      loadBalancerArn: alb.arn,
      port: listenPort,
      protocol: https ? 'HTTPS' : 'HTTP',
      ...(https
        ? { certificateArn: settings.apiCertificateArn, sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }
        : {}),
      defaultAction: [{ type: 'forward', targetGroupArn: targets.arn }],
    });

    // The bearer token for mutations: its value is put by the operator, never into Terraform state.
    const token = new SecretsmanagerSecret(this, 'token', {
      name: name('api-token'),
      kmsKeyId: props.keyArn,
      description: 'tickflow API bearer token (TICKFLOW_API_TOKEN), at least 16 characters',
    });
    const logs = new CloudwatchLogGroup(this, 'logs', {
      name: `/${settings.env}/api`,
      retentionInDays: settings.logRetentionDays,
      kmsKeyId: props.keyArn,
    });
    const executionRole = serviceRole(this, 'execution-role', name('api-task-execution'), 'ecs-tasks.amazonaws.com', [
      ...executionStatements(props.imageRepositoryArn, [logs.arn], {
        sid: 'ReadSecrets',
        arns: [props.temporalSecretArn, token.arn],
      }),
      { Sid: 'DecryptImagesAndSecrets', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [props.keyArn] },
    ]);
    // Reads only: every change the API makes goes through a Temporal workflow (gRPC, no IAM).
    const taskRole = serviceRole(this, 'task-role', name('api'), 'ecs-tasks.amazonaws.com', [
      {
        Sid: 'ReadTables',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'],
        Resource: props.readTableArns,
      },
      { Sid: 'ModelInService', Effect: 'Allow', Action: ['sagemaker:DescribeEndpoint'], Resource: [props.endpointArn] },
      { Sid: 'DecryptData', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [props.keyArn] },
    ]);

    const task = new EcsTaskDefinition(this, 'task', {
      family: name('api'),
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'X86_64' },
      containerDefinitions: JSON.stringify([
        {
          name: 'api',
          image: props.image,
          essential: true,
          command: ['node', 'bin/tickflow.js', 'api'],
          user: 'node',
          stopTimeout: 30,
          portMappings: [{ containerPort: API_PORT, protocol: 'tcp' }],
          environment: [
            ...props.environment,
            { name: 'TICKFLOW_API_HOST', value: '0.0.0.0' },
            { name: 'TICKFLOW_API_PORT', value: String(API_PORT) },
          ],
          secrets: [...props.secrets, { name: 'TICKFLOW_API_TOKEN', valueFrom: token.arn }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': logs.name, 'awslogs-region': settings.region, 'awslogs-stream-prefix': 'api' },
          },
        },
      ]),
    });
    new EcsService(this, 'service', {
      name: 'api',
      cluster: props.clusterId,
      taskDefinition: task.arn,
      desiredCount: 1,
      // On-demand: the dashboard should not vanish with a Spot reclaim.
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
      networkConfiguration: { subnets: props.privateSubnetIds, securityGroups: [taskGroup.id], assignPublicIp: false },
      loadBalancer: [{ targetGroupArn: targets.arn, containerName: 'api', containerPort: API_PORT }],
      healthCheckGracePeriodSeconds: 60,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      enableExecuteCommand: false,
    });
    // Plain output names (not construct-path ones), as the README's commands use them.
    new TerraformOutput(this, 'api_url', { value: `${https ? 'https' : 'http'}://${alb.dnsName}` }).overrideLogicalId(
      'api_url',
    );
    new TerraformOutput(this, 'api_token_secret_arn', { value: token.arn }).overrideLogicalId('api_token_secret_arn');
  }
}

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Testing } from 'cdktf';
import { loadConfig } from '../../config/config';
import { buildApp } from '../../infra/app';
import { UNSCOPABLE_ACTIONS } from '../../infra/iam';
import { NetworkStack } from '../../infra/network-stack';
import { awsEnvFromOutputs } from '../../infra/outputs';
import { ServicesStack } from '../../infra/services-stack';
import { loadInfraSettings, type InfraSettings } from '../../infra/settings';
import { EMF_METRIC } from '../../observability/emf';

type Resources = Record<string, Record<string, Record<string, unknown>>>;
interface Synth {
  resource: Resources;
  output: Record<string, { value: unknown }>;
}

function synth(overrides: Record<string, string> = {}): { settings: InfraSettings; network: Synth; services: Synth } {
  const settings = loadInfraSettings(overrides);
  const app = Testing.app();
  const network = new NetworkStack(app, 'network', settings);
  const services = new ServicesStack(app, 'services', settings, network);
  return { settings, network: JSON.parse(Testing.synth(network)), services: JSON.parse(Testing.synth(services)) };
}

const all = (stack: Synth, type: string) => Object.values(stack.resource[type] ?? {});
const { settings, network, services } = synth();
/** Every optional part switched on: the IAM checks walk this one too. */
const everything = synth({
  TICKFLOW_LIVE_SOURCE: 'alpaca',
  TICKFLOW_API_ALLOWED_CIDRS: '203.0.113.0/24',
  TICKFLOW_API_CERTIFICATE_ARN: 'arn:aws:acm:us-east-1:123456789012:certificate/0b6c1e4a-1111-2222-3333-444455556666',
}).services;

test('a full app synth wires the services stack to the network stack through remote state', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'tickflow-synth-'));
  buildApp(settings, out).app.synth();
  const stack = JSON.parse(readFileSync(path.join(out, 'stacks', 'services', 'cdk.tf.json'), 'utf8'));
  expect(Object.keys(stack.data.terraform_remote_state)).toEqual(['cross-stack-reference-input-network']);
  expect(JSON.stringify(stack.resource.aws_ecs_service)).toMatch(
    /data\.terraform_remote_state\.cross-stack-reference-input-network\.outputs/,
  );
});

describe('network stack', () => {
  test('two zones of public and private subnets; nothing launches with a public IP', () => {
    expect(all(network, 'aws_subnet')).toHaveLength(4);
    expect(all(network, 'aws_subnet').every((s) => s.map_public_ip_on_launch === false)).toBe(true);
    expect(all(network, 'aws_vpc')).toEqual([
      expect.objectContaining({ cidr_block: '10.42.0.0/16', enable_dns_hostnames: true }),
    ]);
  });

  test('one NAT gateway by default, one per zone when asked', () => {
    expect(all(network, 'aws_nat_gateway')).toHaveLength(1);
    expect(all(synth({ TICKFLOW_NAT: 'per-az', TICKFLOW_AZ_COUNT: '3' }).network, 'aws_nat_gateway')).toHaveLength(3);
  });

  test('S3 and DynamoDB gateway endpoints on the private route tables', () => {
    const endpoints = all(network, 'aws_vpc_endpoint');
    expect(endpoints.map((e) => e.service_name).sort()).toEqual([
      'com.amazonaws.us-east-1.dynamodb',
      'com.amazonaws.us-east-1.s3',
    ]);
    expect(
      endpoints.every((e) => e.vpc_endpoint_type === 'Gateway' && (e.route_table_ids as unknown[]).length === 2),
    ).toBe(true);
  });

  test('task security group: no inbound rules, outbound only HTTPS and Temporal gRPC', () => {
    expect(all(network, 'aws_vpc_security_group_ingress_rule')).toHaveLength(0);
    expect(all(network, 'aws_security_group').every((g) => g.ingress === undefined)).toBe(true);
    expect(
      all(network, 'aws_vpc_security_group_egress_rule')
        .map((r) => r.from_port)
        .sort(),
    ).toEqual([443, 7233]);
  });
});

describe('services stack', () => {
  test('the ingest service scales out on CPU between the bounds from settings, and autoscaling owns its task count', () => {
    const scaled = synth({
      TICKFLOW_INGEST_WORKERS: '3',
      TICKFLOW_INGEST_WORKERS_MAX: '12',
      TICKFLOW_INGEST_TARGET_CPU: '55',
    }).services;
    expect(all(scaled, 'aws_appautoscaling_target')).toEqual([
      expect.objectContaining({
        service_namespace: 'ecs',
        scalable_dimension: 'ecs:service:DesiredCount',
        min_capacity: 3,
        max_capacity: 12,
        resource_id: expect.stringMatching(/^service\/.+\/.+$/),
      }),
    ]);
    expect(all(scaled, 'aws_appautoscaling_policy')).toEqual([
      expect.objectContaining({
        policy_type: 'TargetTrackingScaling',
        target_tracking_scaling_policy_configuration: expect.objectContaining({
          target_value: 55,
          predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageCPUUtilization' },
        }),
      }),
    ]);
    const ingest = all(scaled, 'aws_ecs_service').find((s) => s.name === 'ingest-worker')!;
    expect(ingest).toMatchObject({ desired_count: 3, lifecycle: { ignore_changes: ['desired_count'] } });
    // By default: as many tasks as shards at most.
    expect(all(services, 'aws_appautoscaling_target')).toEqual([
      expect.objectContaining({ min_capacity: 2, max_capacity: 2 }),
    ]);
    expect(() => loadInfraSettings({ TICKFLOW_INGEST_WORKERS: '4', TICKFLOW_INGEST_WORKERS_MAX: '2' })).toThrow(
      /TICKFLOW_INGEST_WORKERS_MAX: at least TICKFLOW_INGEST_WORKERS \(4\)/,
    );
  });

  test('KMS key with rotation encrypts the stream, tables, bucket, topics, images, secret and logs', () => {
    expect(all(services, 'aws_kms_key')).toEqual([expect.objectContaining({ enable_key_rotation: true })]);
    expect(all(services, 'aws_kinesis_stream')).toEqual([
      expect.objectContaining({ encryption_type: 'KMS', shard_count: 2 }),
    ]);
    for (const table of all(services, 'aws_dynamodb_table')) {
      expect(table).toMatchObject({
        billing_mode: 'PAY_PER_REQUEST',
        server_side_encryption: { enabled: true },
        point_in_time_recovery: { enabled: true },
      });
    }
    expect(all(services, 'aws_sns_topic').every((t) => typeof t.kms_master_key_id === 'string')).toBe(true);
    expect(
      all(services, 'aws_ecr_repository').every(
        (r) => (r.encryption_configuration as Array<{ encryption_type: string }>)[0]!.encryption_type === 'KMS',
      ),
    ).toBe(true);
    expect(all(services, 'aws_secretsmanager_secret').every((s) => typeof s.kms_key_id === 'string')).toBe(true);
    expect(all(services, 'aws_s3_bucket_server_side_encryption_configuration')).toEqual([
      expect.objectContaining({
        rule: [
          expect.objectContaining({
            apply_server_side_encryption_by_default: expect.objectContaining({ sse_algorithm: 'aws:kms' }),
          }),
        ],
      }),
    ]);
  });

  test('the bucket blocks every kind of public access and is versioned with a lifecycle', () => {
    expect(all(services, 'aws_s3_bucket_public_access_block')).toEqual([
      expect.objectContaining({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      }),
    ]);
    expect(all(services, 'aws_s3_bucket_versioning')).toEqual([
      expect.objectContaining({ versioning_configuration: { status: 'Enabled' } }),
    ]);
    expect((all(services, 'aws_s3_bucket_lifecycle_configuration')[0]!.rule as unknown[]).length).toBe(2);
  });

  test('every log group has a retention and a key', () => {
    const groups = all(services, 'aws_cloudwatch_log_group');
    expect(groups.length).toBeGreaterThanOrEqual(2);
    expect(groups.every((g) => g.retention_in_days === 30 && typeof g.kms_key_id === 'string')).toBe(true);
  });

  test('the ingest service runs mostly on Fargate Spot, in private subnets, without public IPs', () => {
    expect(all(services, 'aws_ecs_cluster_capacity_providers')[0]!.capacity_providers).toEqual([
      'FARGATE',
      'FARGATE_SPOT',
    ]);
    const service = all(services, 'aws_ecs_service').find((s) => s.name === 'ingest-worker');
    expect(service!.capacity_provider_strategy).toEqual(
      expect.arrayContaining([expect.objectContaining({ capacity_provider: 'FARGATE_SPOT', weight: 4 })]),
    );
    expect(service!.network_configuration).toMatchObject({ assign_public_ip: false });
    // The network stack's private subnets, and only those.
    const subnets = (service!.network_configuration as { subnets: string[] }).subnets;
    expect(subnets).toEqual(['${aws_subnet.private-0.id}', '${aws_subnet.private-1.id}']);
  });

  test('the training worker runs on Spot only, in private subnets, each worker task with its own role', () => {
    const service = all(services, 'aws_ecs_service').find((s) => s.name === 'training-worker');
    expect(service).toMatchObject({
      capacity_provider_strategy: [{ capacity_provider: 'FARGATE_SPOT', weight: 1 }],
      network_configuration: { assign_public_ip: false },
    });
    const commands = all(services, 'aws_ecs_task_definition').map((t) =>
      (JSON.parse(t.container_definitions as string) as Array<{ command: string[] }>)[0]!.command.join(' '),
    );
    expect(commands).toEqual(
      expect.arrayContaining([
        'node --max-old-space-size=1536 bin/tickflow.js worker --role ingest',
        'node bin/tickflow.js worker --role training',
      ]),
    );
    const roles = new Set(all(services, 'aws_ecs_task_definition').map((t) => t.task_role_arn));
    expect(roles.size).toBe(all(services, 'aws_ecs_task_definition').length);
  });

  test('alarms watch the prediction endpoint (5xx, latency) across whichever variant serves', () => {
    const queries = all(services, 'aws_cloudwatch_metric_alarm').flatMap((a) =>
      ((a.metric_query as Array<{ expression?: string }>) ?? []).map((q) => q.expression ?? ''),
    );
    expect(queries).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/SUM\(Invocation5XXErrors\).*EndpointName = 'tickflow-predictor'/),
        expect.stringMatching(/MAX\(ModelLatency\)/),
      ]),
    );
  });

  test('containers run as a non-root user and log to CloudWatch', () => {
    for (const task of all(services, 'aws_ecs_task_definition')) {
      const [container] = JSON.parse(task.container_definitions as string) as Array<Record<string, unknown>>;
      expect(container).toMatchObject({ user: 'node', logConfiguration: { logDriver: 'awslogs' } });
      expect(task).toMatchObject({ requires_compatibilities: ['FARGATE'], network_mode: 'awsvpc' });
    }
  });

  test('pipeline alarms: dead letters and failed batches, on the embedded metrics the workers log', () => {
    const alarms = all(services, 'aws_cloudwatch_metric_alarm').filter((a) => a.namespace === 'tickflow/tickflow');
    expect(alarms.map((a) => a.metric_name).sort()).toEqual([EMF_METRIC.batchesFailed, EMF_METRIC.deadLettered].sort());
    for (const alarm of alarms)
      expect(alarm).toMatchObject({ statistic: 'Sum', threshold: 0, comparison_operator: 'GreaterThanThreshold' });
    const worker = all(services, 'aws_ecs_task_definition').find((t) => String(t.family).endsWith('ingest-worker'))!;
    const [container] = JSON.parse(worker.container_definitions as string) as Array<{
      environment: Array<{ name: string; value: string }>;
    }>;
    expect(container!.environment).toContainEqual({
      name: 'TICKFLOW_CLOUDWATCH_NAMESPACE',
      value: 'tickflow/tickflow',
    });
  });

  test('the API sits behind an ALB reachable from no one until CIDR ranges are given; tasks take traffic from the ALB only', () => {
    expect(all(services, 'aws_vpc_security_group_ingress_rule').filter((r) => r.cidr_ipv4)).toEqual([]);
    const api = all(services, 'aws_ecs_service').find((s) => s.name === 'api')!;
    expect(api).toMatchObject({
      network_configuration: { assign_public_ip: false },
      load_balancer: [{ container_name: 'api', container_port: 8787 }],
    });
    expect((api.network_configuration as { subnets: string[] }).subnets).toEqual([
      '${aws_subnet.private-0.id}',
      '${aws_subnet.private-1.id}',
    ]);
    expect(all(services, 'aws_lb')[0]).toMatchObject({
      load_balancer_type: 'application',
      internal: false,
      drop_invalid_header_fields: true,
      subnets: ['${aws_subnet.public-0.id}', '${aws_subnet.public-1.id}'],
    });
    const toTasks = all(services, 'aws_vpc_security_group_ingress_rule').filter((r) => r.from_port === 8787);
    expect(toTasks).toHaveLength(1);
    expect(toTasks[0]!.referenced_security_group_id).toMatch(/aws_security_group\.api_alb-sg_/);
    expect(all(services, 'aws_lb_listener')[0]).toMatchObject({ port: 80, protocol: 'HTTP' });
  });

  test('given CIDR ranges and a certificate, the ALB listens on HTTPS (TLS 1.2+) for those ranges alone', () => {
    const { services: withTls } = synth({
      TICKFLOW_API_ALLOWED_CIDRS: '203.0.113.0/24, 198.51.100.7/32',
      TICKFLOW_API_CERTIFICATE_ARN:
        'arn:aws:acm:us-east-1:123456789012:certificate/0b6c1e4a-1111-2222-3333-444455556666',
    });
    const open = all(withTls, 'aws_vpc_security_group_ingress_rule').filter((r) => r.cidr_ipv4);
    expect(open.map((r) => [r.cidr_ipv4, r.from_port, r.to_port])).toEqual([
      ['203.0.113.0/24', 443, 443],
      ['198.51.100.7/32', 443, 443],
    ]);
    expect(all(withTls, 'aws_lb_listener')[0]).toMatchObject({
      port: 443,
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      certificate_arn: expect.stringMatching(/^arn:aws:acm:/),
    });
    expect(withTls.output.api_url).toMatchObject({ value: expect.stringMatching(/^https:\/\//) });
    expect(() => loadInfraSettings({ TICKFLOW_API_ALLOWED_CIDRS: '0.0.0.0/0,nonsense' })).toThrow(
      /TICKFLOW_API_ALLOWED_CIDRS/,
    );
  });

  test('the API task role only reads: tables, the endpoint description, the key', () => {
    const role = all(services, 'aws_iam_role_policy').find((p) => String(p.name) === 'tickflow-api-policy')!;
    const actions = (JSON.parse(role.policy as string) as { Statement: Array<{ Action: string[] }> }).Statement.flatMap(
      (st) => st.Action,
    );
    expect(actions.sort()).toEqual([
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:Scan',
      'kms:Decrypt',
      'sagemaker:DescribeEndpoint',
    ]);
  });

  test('a live producer service only when a provider is chosen: on-demand, private, credentials from its own secret', () => {
    expect(all(services, 'aws_ecs_service').some((svc) => svc.name === 'live-producer')).toBe(false);
    const live = all(everything, 'aws_ecs_service').find((svc) => svc.name === 'live-producer')!;
    expect(live).toMatchObject({
      capacity_provider_strategy: [{ capacity_provider: 'FARGATE', weight: 1 }],
      network_configuration: { assign_public_ip: false },
      deployment_maximum_percent: 100,
    });
    const task = all(everything, 'aws_ecs_task_definition').find((t) => String(t.family).endsWith('live-producer'))!;
    const [container] = JSON.parse(task.container_definitions as string) as Array<{
      command: string[];
      secrets: Array<{ name: string; valueFrom: string }>;
    }>;
    expect(container!.command).toEqual(['node', 'bin/tickflow.js', 'produce', 'alpaca']);
    expect(container!.secrets.filter((x) => x.name.startsWith('APCA_')).map((x) => x.valueFrom)).toEqual([
      expect.stringMatching(/aws_secretsmanager_secret\.provider\.arn.*:APCA_API_KEY_ID::$/),
      expect.stringMatching(/:APCA_API_SECRET_KEY::$/),
    ]);
  });

  test('tables are exactly the ones the pipeline uses', () => {
    const config = loadConfig({ ...awsEnvFromOutputs(fakeOutputs()), TEMPORAL_ADDRESS: 'x.tmprl.cloud:7233' });
    expect(
      all(services, 'aws_dynamodb_table')
        .map((t) => t.name)
        .sort(),
    ).toEqual(Object.values(config.tables).sort());
  });
});

describe('IAM: least privilege', () => {
  interface Statement {
    Action: string | string[];
    Resource?: string | string[];
    Principal?: unknown;
  }
  const documents = (): Array<{ where: string; kind: 'identity' | 'trust' | 'key'; statements: Statement[] }> =>
    [services, everything].flatMap((stack) => [
      ...Object.entries(stack.resource.aws_iam_role_policy ?? {}).map(([id, p]) => ({
        where: `aws_iam_role_policy.${id}`,
        kind: 'identity' as const,
        statements: JSON.parse(p.policy as string).Statement,
      })),
      ...Object.entries(stack.resource.aws_iam_role ?? {}).map(([id, r]) => ({
        where: `aws_iam_role.${id}`,
        kind: 'trust' as const,
        statements: JSON.parse(r.assume_role_policy as string).Statement,
      })),
      ...Object.entries(stack.resource.aws_kms_key ?? {}).map(([id, k]) => ({
        where: `aws_kms_key.${id}`,
        kind: 'key' as const,
        statements: JSON.parse(k.policy as string).Statement,
      })),
    ]);
  const list = (x: string | string[] | undefined) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

  test('there are policies to check', () => {
    expect(documents().filter((d) => d.kind === 'identity').length).toBeGreaterThanOrEqual(4);
  });

  type Document = ReturnType<typeof documents>[number];
  /** Every action containing a wildcard, as "where: action". */
  const wildcardActions = (docs: Document[]) =>
    docs.flatMap((d) =>
      d.statements.flatMap((s) =>
        list(s.Action)
          .filter((a) => a.includes('*'))
          .map((a) => `${d.where}: ${a}`),
      ),
    );
  /** Identity statements on Resource "*" whose actions AWS could have scoped. */
  const unscopedResources = (docs: Document[]) =>
    docs
      .filter((d) => d.kind === 'identity')
      .flatMap((d) =>
        d.statements
          .filter((s) => list(s.Resource).includes('*') && !list(s.Action).every((a) => UNSCOPABLE_ACTIONS.has(a)))
          .map((s) => `${d.where}: ${list(s.Action).join(',')}`),
      );

  test('no statement anywhere allows a wildcard action', () => {
    expect(wildcardActions(documents())).toEqual([]);
  });

  test('identity policies scope every resource, except the few actions AWS cannot scope', () => {
    expect(unscopedResources(documents())).toEqual([]);
  });

  test('the checks flag a planted wildcard policy (they can fail)', () => {
    const planted: Document = {
      where: 'planted',
      kind: 'identity',
      statements: [
        { Action: 'dynamodb:*', Resource: '*' },
        { Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      ],
    };
    expect(wildcardActions([...documents(), planted])).toEqual(['planted: dynamodb:*']);
    expect(unscopedResources([...documents(), planted])).toEqual(['planted: dynamodb:*']);
  });
});

function fakeOutputs() {
  const names = {
    region: 'us-east-1',
    stream_name: 'tickflow-market-data',
    table_prefix: 'tickflow',
    bucket_name: 'tickflow-data-abc123',
    alerts_topic_name: 'tickflow-alerts',
    alerts_topic_arn: 'arn:aws:sns:us-east-1:123456789012:tickflow-alerts',
    task_queue: 'tickflow-ingest',
    model_image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/tickflow-model:1',
    sagemaker_role_arn: 'arn:aws:iam::123456789012:role/tickflow-sagemaker',
    endpoint_name: 'tickflow-predictor',
  };
  return Object.fromEntries(
    Object.entries(names).map(([k, value]) => [k, { value, type: 'string', sensitive: false }]),
  );
}

describe('stack outputs → tickflow aws configuration', () => {
  test('every output the mapping reads is one the services stack declares', () => {
    expect(Object.keys(services.output)).toEqual(expect.arrayContaining(Object.keys(fakeOutputs())));
  });

  test('the mapped configuration addresses the deployed resources through AWS endpoints', () => {
    const config = loadConfig({ ...awsEnvFromOutputs(fakeOutputs()), TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233' });
    expect(config).toMatchObject({
      stack: 'aws',
      region: 'us-east-1',
      endpoints: {},
      bucket: 'tickflow-data-abc123',
      alertsTopicArn: 'arn:aws:sns:us-east-1:123456789012:tickflow-alerts',
      stream: { name: 'tickflow-market-data' },
      temporal: { address: 'ns.acct.tmprl.cloud:7233', taskQueue: 'tickflow-ingest' },
    });
    const stream = all(services, 'aws_kinesis_stream')[0]!;
    expect(stream.name).toBe(config.stream.name);
  });

  test('malformed outputs are refused with the missing names', () => {
    expect(() => awsEnvFromOutputs({ region: { value: 'us-east-1' } })).toThrow(/stream_name/);
  });

  test('infra settings name their bad values', () => {
    expect(() => loadInfraSettings({ TICKFLOW_NAT: 'two', TICKFLOW_LOG_RETENTION_DAYS: '10' })).toThrow(
      /TICKFLOW_NAT: .*\(got "two"\)[\s\S]*TICKFLOW_LOG_RETENTION_DAYS/,
    );
  });
});

/** A provider mirror lets `terraform validate` run offline; the public registry is unreachable here. */
function providerMirror(): string | undefined {
  const candidates = [process.env.TICKFLOW_TF_PLUGIN_DIR, path.join(os.homedir(), '.terraform.d', 'plugins')].filter(
    (d): d is string => Boolean(d),
  );
  return candidates.find((dir) => existsSync(path.join(dir, 'registry.terraform.io', 'hashicorp', 'aws')));
}
const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
const mirror = providerMirror();
const validateTitle =
  terraform && mirror
    ? 'terraform validate accepts both synthesized stacks'
    : `terraform validate — skipped: ${terraform ? 'no AWS provider mirror (set TICKFLOW_TF_PLUGIN_DIR or fill ~/.terraform.d/plugins)' : 'terraform is not installed'}`;

(terraform && mirror ? test : test.skip)(validateTitle, () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'tickflow-synth-'));
  buildApp(settings, out).app.synth();
  for (const stack of readdirSync(path.join(out, 'stacks'))) {
    const dir = path.join(out, 'stacks', stack);
    execFileSync('terraform', ['init', '-backend=false', '-input=false', `-plugin-dir=${mirror}`], {
      cwd: dir,
      stdio: 'pipe',
    });
    execFileSync('terraform', ['validate', '-no-color'], { cwd: dir, stdio: 'pipe' });
  }
});

import { Construct } from 'constructs';
import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { useBackend } from './backend';
import type { InfraSettings } from './settings';

/**
 * The network: a VPC over `azCount` zones with public subnets (NAT only) and private subnets
 * (every task), NAT gateways (one, or one per zone), gateway endpoints so S3 and DynamoDB
 * traffic never crosses the NAT, and the tasks' security group (no ingress; egress only to
 * HTTPS and Temporal's gRPC port).
 */
export class NetworkStack extends TerraformStack {
  readonly vpcId: string;
  readonly privateSubnetIds: string[];
  readonly publicSubnetIds: string[];
  readonly taskSecurityGroupId: string;

  constructor(scope: Construct, id: string, settings: InfraSettings) {
    super(scope, id);
    const name = (suffix: string) => `${settings.env}-${suffix}`;
    const tags = (suffix: string) => ({ Name: name(suffix), Project: 'tickflow', Environment: settings.env });
    useBackend(this, id, settings);
    new AwsProvider(this, 'aws', {
      region: settings.region,
      defaultTags: [{ tags: { Project: 'tickflow', Environment: settings.env } }],
    });

    const zones = new DataAwsAvailabilityZones(this, 'zones', { state: 'available' });
    const vpc = new Vpc(this, 'vpc', {
      cidrBlock: settings.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: tags('vpc'),
    });
    const igw = new InternetGateway(this, 'igw', { vpcId: vpc.id, tags: tags('igw') });

    const publicRoutes = new RouteTable(this, 'public-routes', { vpcId: vpc.id, tags: tags('public') });
    new Route(this, 'public-default', {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });

    const publicSubnets: Subnet[] = [];
    const privateSubnets: Subnet[] = [];
    const privateRoutes: RouteTable[] = [];
    for (let i = 0; i < settings.azCount; i++) {
      const az = Fn.element(zones.names, i);
      const publicSubnet = new Subnet(this, `public-${i}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: Fn.cidrsubnet(settings.vpcCidr, 8, i),
        mapPublicIpOnLaunch: false,
        tags: tags(`public-${i}`),
      });
      new RouteTableAssociation(this, `public-${i}-routes`, {
        subnetId: publicSubnet.id,
        routeTableId: publicRoutes.id,
      });
      publicSubnets.push(publicSubnet);
      privateSubnets.push(
        new Subnet(this, `private-${i}`, {
          vpcId: vpc.id,
          availabilityZone: az,
          cidrBlock: Fn.cidrsubnet(settings.vpcCidr, 8, 100 + i),
          mapPublicIpOnLaunch: false,
          tags: tags(`private-${i}`),
        }),
      );
    }

    // One NAT is the cheap default; per-AZ NAT keeps egress up when a zone fails.
    const natCount = settings.nat === 'per-az' ? settings.azCount : 1;
    const nats = Array.from({ length: natCount }, (_, i) => {
      const eip = new Eip(this, `nat-ip-${i}`, { domain: 'vpc', tags: tags(`nat-${i}`) });
      return new NatGateway(this, `nat-${i}`, {
        allocationId: eip.id,
        subnetId: publicSubnets[i]!.id,
        tags: tags(`nat-${i}`),
        dependsOn: [igw],
      });
    });
    privateSubnets.forEach((subnet, i) => {
      const routes = new RouteTable(this, `private-routes-${i}`, { vpcId: vpc.id, tags: tags(`private-${i}`) });
      new Route(this, `private-default-${i}`, {
        routeTableId: routes.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: nats[i % natCount]!.id,
      });
      new RouteTableAssociation(this, `private-${i}-routes`, { subnetId: subnet.id, routeTableId: routes.id });
      privateRoutes.push(routes);
    });

    for (const service of ['s3', 'dynamodb']) {
      new VpcEndpoint(this, `endpoint-${service}`, {
        vpcId: vpc.id,
        serviceName: `com.amazonaws.${settings.region}.${service}`,
        vpcEndpointType: 'Gateway',
        routeTableIds: privateRoutes.map((r) => r.id),
        tags: tags(`endpoint-${service}`),
      });
    }

    const tasks = new SecurityGroup(this, 'tasks', {
      name: name('tasks'),
      description: 'tickflow ECS tasks: no inbound; outbound HTTPS and Temporal gRPC',
      vpcId: vpc.id,
      tags: tags('tasks'),
    });
    for (const [port, what] of [
      [443, 'AWS APIs over HTTPS'],
      [7233, 'Temporal frontend (gRPC)'],
    ] as const) {
      new VpcSecurityGroupEgressRule(this, `tasks-egress-${port}`, {
        securityGroupId: tasks.id,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
        description: what,
      });
    }

    this.vpcId = vpc.id;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.taskSecurityGroupId = tasks.id;
    new TerraformOutput(this, 'vpc_id', { value: vpc.id });
    new TerraformOutput(this, 'private_subnet_ids', { value: this.privateSubnetIds });
  }
}

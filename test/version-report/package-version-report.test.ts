import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  AssociationSchedule, Concurrency, ErrorThreshold, InstanceTargets, InventoryCollection, PackageVersionReport,
  PackageVersionReportProps,
} from '../../src';
import { ModelShape } from '../../src/private/aws-api-model';
import { modelRegExp } from '../../src/private/validation';

/** SSM's API model, pinned from botocore (test/oracles/aws-models.json): what the CLI commands must send. */
const SSM_MODEL: Record<string, ModelShape> = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'oracles', 'aws-models.json'), 'utf8')).ssm;

const TARGETS = InstanceTargets.tags({ Fleet: ['web', 'api'], Environment: ['prod'] });

describe('PackageVersionReport', () => {
  let stack: Stack;

  beforeEach(() => {
    stack = new Stack(new App(), 'Fleet');
  });

  const report = (props: Partial<PackageVersionReportProps> = {}) => new PackageVersionReport(stack, 'Versions', {
    targets: TARGETS,
    inventory: InventoryCollection.existingAssociation(),
    ...props,
  });

  describe('resources', () => {
    test('a Command document with a Linux and a Windows step, run by an association every 30 minutes', () => {
      report();
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::SSM::Document', {
        DocumentType: 'Command',
        DocumentFormat: 'JSON',
        UpdateMethod: 'NewVersion',
        Content: {
          schemaVersion: '2.2',
          mainSteps: [
            Match.objectLike({ action: 'aws:runShellScript', name: 'collectOnLinux', precondition: { StringEquals: ['platformType', 'Linux'] } }),
            Match.objectLike({ action: 'aws:runPowerShellScript', name: 'collectOnWindows', precondition: { StringEquals: ['platformType', 'Windows'] } }),
          ],
        },
      });
      template.resourceCountIs('AWS::SSM::Association', 1);
      template.hasResourceProperties('AWS::SSM::Association', {
        Name: { Ref: Match.stringLikeRegexp('^VersionsDocument') },
        DocumentVersion: '$LATEST',
        AssociationName: Match.stringLikeRegexp('^Fleet-Versions'),
        Targets: [{ Key: 'tag:Fleet', Values: ['web', 'api'] }, { Key: 'tag:Environment', Values: ['prod'] }],
        ScheduleExpression: 'rate(30 minutes)',
      });
      template.resourceCountIs('AWS::Lambda::Function', 0);
    });

    test('with a new inventory association: AWS-GatherSoftwareInventory for the same targets, custom inventory on, after the collector', () => {
      report({ inventory: InventoryCollection.newAssociation() });
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::SSM::Association', 2);
      const [id] = Object.keys(template.findResources('AWS::SSM::Association', { Properties: { Name: 'AWS-GatherSoftwareInventory' } }));
      const inventory = template.toJSON().Resources[id];
      expect(inventory.Properties).toEqual({
        Name: 'AWS-GatherSoftwareInventory',
        AssociationName: expect.stringMatching(/^Fleet-Versions.*-Inventory$/),
        Targets: [{ Key: 'tag:Fleet', Values: ['web', 'api'] }, { Key: 'tag:Environment', Values: ['prod'] }],
        ScheduleExpression: 'rate(30 minutes)',
        Parameters: { customInventory: ['Enabled'] },
      });
      expect(inventory.DependsOn).toEqual([expect.stringMatching(/^Versions[0-9A-F]{8}$/)]);
    });

    test('every option reaches the template', () => {
      const versions = report({
        typeName: 'Custom:FleetPackages',
        schedule: AssociationSchedule.rate(Duration.hours(6)),
        associationName: 'package-versions',
        concurrency: Concurrency.percentage(20),
        errorThreshold: ErrorThreshold.count(5),
        inventory: InventoryCollection.newAssociation({ schedule: AssociationSchedule.rate(Duration.hours(12)), associationName: 'inventory' }),
      });
      const template = Template.fromStack(stack);
      template.hasResourceProperties('AWS::SSM::Association', {
        AssociationName: 'package-versions', ScheduleExpression: 'rate(6 hours)', MaxConcurrency: '20%', MaxErrors: '5',
      });
      template.hasResourceProperties('AWS::SSM::Association', { AssociationName: 'inventory', ScheduleExpression: 'rate(12 hours)' });
      expect(versions.typeName).toBe('Custom:FleetPackages');
      expect(versions.inventoryAssociationId).toBeDefined();
    });

    test('the template passes cfn-lint, the CloudFormation schemas of AWS', () => {
      report({ inventory: InventoryCollection.newAssociation() });
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'report-')), 'template.json');
      fs.writeFileSync(file, JSON.stringify(Template.fromStack(stack).toJSON()));
      execFileSync('cfn-lint', ['--', file], { stdio: 'pipe' });
    });
  });

  describe('custom inventory files', () => {
    const warnings = (s: Stack) => Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp('customInventoryFiles'));

    test('one report, or several of one type: no warning', () => {
      report();
      new PackageVersionReport(stack, 'Again', { targets: TARGETS, inventory: InventoryCollection.existingAssociation() });
      expect(warnings(stack)).toEqual([]);
    });

    test('reports of two types in the app: each warns, with the count and the agent\'s rule', () => {
      report();
      const other = new Stack(stack.node.root as App, 'Other');
      new PackageVersionReport(other, 'Tools', {
        targets: TARGETS, inventory: InventoryCollection.existingAssociation(), typeName: 'Custom:ToolPackages',
      });
      const found = warnings(stack);
      expect(found).toHaveLength(1);
      expect(found[0].entry.data).toBe('Fleet/Versions: the app\'s version reports write 2 custom inventory types ' +
        '(Custom:DistributorPackage, Custom:ToolPackages), each one more .json file on every node it targets and one of the ' +
        'account\'s 20 custom types. The SSM Agent reads no custom inventory of a node whose custom inventory folder holds ' +
        'more than 20 .json files (the collector then writes nothing and fails on that node). Reports that target the same ' +
        'nodes can share one typeName. [ack: cdk-ssm-distributor:customInventoryFiles]');
      expect(warnings(other)).toHaveLength(1);
    });
  });

  describe('queries', () => {
    test('versions across the fleet, in one aggregation', () => {
      expect(report().versionCountsQuery()).toBe(
        'aws ssm get-inventory --aggregators \'[{"Expression":"Custom:DistributorPackage.NameVersion"}]\'');
    });

    test('the nodes of a version, the nodes of a package, one node', () => {
      const versions = report();
      expect(versions.nodesAtVersionQuery('WebAgent', '2.0.1')).toBe('aws ssm get-inventory --filters ' +
        '\'[{"Key":"Custom:DistributorPackage.NameVersion","Values":["WebAgent@2.0.1"],"Type":"Equal"}]\' --query \'Entities[].Id\' --output text');
      expect(versions.packageNodesQuery('WebAgent')).toBe('aws ssm get-inventory --filters ' +
        '\'[{"Key":"Custom:DistributorPackage.Name","Values":["WebAgent"],"Type":"Equal"}]\' ' +
        '--result-attributes \'[{"TypeName":"Custom:DistributorPackage"}]\'');
      // It pages itself: node-query.test.ts runs it.
      expect(versions.nodeQuery('i-0123456789abcdef0'))
        .toContain('aws ssm list-inventory-entries --instance-id i-0123456789abcdef0 --type-name Custom:DistributorPackage --max-results 50 ');
    });

    test('drift: the targets\' nodes less those that report the version', () => {
      expect(report().driftQuery('WebAgent', '2.0.1')).toBe(
        'comm -23 <(aws ssm describe-instance-information --filters ' +
        '\'[{"Key":"tag:Fleet","Values":["web","api"]},{"Key":"tag:Environment","Values":["prod"]}]\' ' +
        '--query \'InstanceInformationList[].InstanceId\' --output text | tr \'\\t\' \'\\n\' | grep -E \'^m?i-\' | sort) ' +
        '<(aws ssm get-inventory --filters \'[{"Key":"Custom:DistributorPackage.NameVersion","Values":["WebAgent@2.0.1"],"Type":"Equal"}]\' ' +
        '--query \'Entities[].Id\' --output text | tr \'\\t\' \'\\n\' | grep -E \'^m?i-\' | sort)');
    });

    test.each([
      ['a ring\'s tag', InstanceTargets.tags({ Ring: ['canary'] }), '--filters \'[{"Key":"tag:Ring","Values":["canary"]}]\''],
      ['instance ids', InstanceTargets.instanceIds(['i-0123456789abcdef0']), '--filters \'[{"Key":"InstanceIds","Values":["i-0123456789abcdef0"]}]\''],
      ['tag keys', InstanceTargets.tagKeys(['Canary']), '--filters \'[{"Key":"tag-key","Values":["Canary"]}]\''],
      ['every managed node', InstanceTargets.allManagedInstances(), 'aws ssm describe-instance-information --query'],
      ['a resource group', InstanceTargets.resourceGroup('canary-nodes'),
        "aws resource-groups list-group-resources --group canary-nodes --query 'ResourceIdentifiers[].ResourceArn' --output text | tr '\\t' '\\n' | sed 's|.*/||'"],
    ])('drift for %s', (_, targets, nodes) => {
      expect(report().driftQuery('WebAgent', '2.0.1', targets)).toContain(nodes);
    });

    test('every filter and aggregator the commands send fits SSM\'s API model', () => {
      const versions = report();
      const commands = [
        versions.versionCountsQuery(), versions.nodesAtVersionQuery('WebAgent', '2.0.1'), versions.packageNodesQuery('WebAgent'),
        versions.driftQuery('WebAgent', '2.0.1'),
      ];
      for (const command of commands) {
        for (const [, option, json] of command.matchAll(/--(filters|aggregators|result-attributes) '([^']+)'/g)) {
          const value = JSON.parse(json);
          if (option === 'aggregators') {
            expect(value.length).toBeLessThanOrEqual(SSM_MODEL.InventoryAggregatorList.max!);
            for (const aggregator of value) {
              expect(aggregator.Expression.length).toBeLessThanOrEqual(SSM_MODEL.InventoryAggregatorExpression.max!);
            }
          } else if (option === 'result-attributes') {
            value.forEach((a: { TypeName: string }) => expect(a.TypeName).toMatch(modelRegExp(SSM_MODEL.InventoryItemTypeName.pattern!)));
          } else if (command.includes(`get-inventory --filters '${json}'`)) {
            expect(value.length).toBeLessThanOrEqual(SSM_MODEL.InventoryFilterList.max!);
            for (const filter of value) {
              expect(filter.Key.length).toBeLessThanOrEqual(SSM_MODEL.InventoryFilterKey.max!);
              expect(filter.Values.length).toBeLessThanOrEqual(SSM_MODEL.InventoryFilterValueList.max!);
              expect(SSM_MODEL.InventoryQueryOperatorType.enum).toContain(filter.Type);
            }
          }
        }
      }
    });

    test('a drift command run on answers in the CLI\'s text output: pages, None, and nodes that report nothing yet', () => {
      // A stand-in for the AWS CLI that prints what `--output text` prints for these queries: ids tab-separated,
      // one line a page, and `None` for an empty result.
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-cli-'));
      fs.writeFileSync(path.join(bin, 'aws'), [
        '#!/bin/sh',
        'case "$2" in',
        '  describe-instance-information) printf \'i-0000000000000000a\\ti-0000000000000000b\\nmi-0000000000000000c\\ti-0000000000000000d\\n\' ;;',
        '  get-inventory) printf \'i-0000000000000000b\\nmi-0000000000000000c\\n\' ;;',
        'esac',
      ].join('\n'), { mode: 0o755 });
      const drift = (query: string) => execFileSync('bash', ['-c', query], { env: { PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
      const query = report().driftQuery('WebAgent', '2.0.1');
      expect(drift(query)).toBe('i-0000000000000000a\ni-0000000000000000d\n');

      fs.writeFileSync(path.join(bin, 'aws'), '#!/bin/sh\ncase "$2" in describe-instance-information) echo i-0000000000000000a ;; *) echo None ;; esac\n', { mode: 0o755 });
      expect(drift(query)).toBe('i-0000000000000000a\n');

      // 5,000 nodes over 100 pages of 50 (GetInventory's most a page), all but every 500th at the version.
      const ids = Array.from({ length: 5000 }, (_, i) => `i-${i.toString(16).padStart(17, '0')}`);
      const pages = (list: string[]) => Array.from({ length: Math.ceil(list.length / 50) }, (_, p) => list.slice(p * 50, p * 50 + 50).join('\t')).join('\n') + '\n';
      fs.writeFileSync(path.join(bin, 'targets.txt'), pages([...ids].reverse()));
      fs.writeFileSync(path.join(bin, 'at-version.txt'), pages(ids.filter((_, i) => i % 500 !== 0)));
      fs.writeFileSync(path.join(bin, 'aws'), [
        '#!/bin/sh',
        `case "$2" in describe-instance-information) cat ${bin}/targets.txt ;; *) cat ${bin}/at-version.txt ;; esac`,
      ].join('\n'), { mode: 0o755 });
      expect(drift(query).trim().split('\n')).toEqual(ids.filter((_, i) => i % 500 === 0));
    });
  });

  describe('errors name the construct, the prop, the rule and the value', () => {
    test.each([
      ['custom:packages', "Fleet/Versions: typeName must be 1 to 100 characters starting AWS: or Custom:, got 'custom:packages'"],
      ['Custom:packages', "Fleet/Versions: typeName must be Custom: then a capital letter, then letters, digits or _, got 'Custom:packages'"],
      ['AWS:Application', "Fleet/Versions: typeName must be Custom: then a capital letter, then letters, digits or _, got 'AWS:Application'"],
      ["Custom:It's", "Fleet/Versions: typeName must be Custom: then a capital letter, then letters, digits or _, got 'Custom:It's'"],
      [`Custom:${'A'.repeat(94)}`, 'Fleet/Versions: typeName must be 1 to 100 characters starting AWS: or Custom:, got'],
    ])('typeName %s', (typeName, message) => {
      expect(() => report({ typeName })).toThrow(message);
    });

    test('a typeName that only deploy time knows', () => {
      expect(() => report({ typeName: Lazy.string({ produce: () => 'Custom:Later' }) }))
        .toThrow(/^Fleet\/Versions: typeName must be known at synth: it is written into the collector scripts, got '\$\{Token\[/);
    });

    test.each<[string, Partial<PackageVersionReportProps>, string]>([
      ['associationName', { associationName: 'a b' }, "Fleet/Versions: associationName must be 3 to 128 letters, digits, _ - or . (no spaces), got 'a b'"],
      ['inventory associationName', { inventory: InventoryCollection.newAssociation({ associationName: 'x' }) },
        "Fleet/Versions: inventory associationName must be 3 to 128 letters, digits, _ - or . (no spaces), got 'x'"],
      ['inventory schedule', { inventory: InventoryCollection.newAssociation({ schedule: AssociationSchedule.rate(Duration.minutes(10)) }) },
        "Fleet/Versions: schedule rate must be at least 30 minutes and less than 31 days, got '10 minutes'"],
      ['schedule', { schedule: AssociationSchedule.expression('rate(1 minutes)') },
        "Fleet/Versions: schedule expression must use the singular unit when the value is 1, as in rate(1 minute), got 'rate(1 minutes)'"],
      ['targets', { targets: InstanceTargets.instanceIds(['i-1']) },
        "Fleet/Versions: targets instance id must be an EC2 instance id (i- and 8 or 17 letters or digits) or a managed node id (mi- and 17), got 'i-1'"],
      ['inventory left out (JavaScript)', { inventory: undefined },
        'Fleet/Versions: inventory must say who gathers the report: InventoryCollection.existingAssociation() or .newAssociation(), got undefined'],
    ])('%s', (_, props, message) => {
      expect(() => report(props)).toThrow(message);
    });

    test.each<[string, (r: PackageVersionReport) => string, string]>([
      ['an ARN for the package', (r) => r.nodesAtVersionQuery('arn:aws:ssm:us-east-1:111122223333:document/WebAgent', '1.0'),
        "Fleet/Versions: packageName must be a package name of 3 to 128 letters, digits, _ - or . (the name, not an ARN), got 'arn:aws:ssm:us-east-1:111122223333:document/WebAgent'"],
      ['a version with a space', (r) => r.driftQuery('WebAgent', '1.0 beta'),
        "Fleet/Versions: version must be a version name of 1 to 128 letters, digits, _ - or ., got '1.0 beta'"],
      ['a quote in a package name', (r) => r.packageNodesQuery("Web'Agent"),
        "Fleet/Versions: packageName must be a package name of 3 to 128 letters, digits, _ - or . (the name, not an ARN), got 'Web'Agent'"],
      ['an instance id', (r) => r.nodeQuery('i-123'),
        "Fleet/Versions: instanceId must be an EC2 instance id (i- and 8 or 17 letters or digits) or a managed node id (mi- and 17), got 'i-123'"],
      ['a ring\'s targets', (r) => r.driftQuery('WebAgent', '1.0', InstanceTargets.tags({ 'Ring+': ['a'] })),
        "Fleet/Versions: targets tag key must fit SSM's Target key pattern as tag:KEY, which leaves out '+' (tags may have it), got 'Ring+'"],
    ])('a query with %s', (_, query, message) => {
      expect(() => query(report())).toThrow(message);
    });
  });
});

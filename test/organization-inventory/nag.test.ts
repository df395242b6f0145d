import { App, Aspects, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { InstanceTargets, InventoryCollection, OrganizationInventory, OrganizationInventoryProps, PackageInventorySync } from '../../src';
import { awsSolutionsFindings } from '../nag-findings';

describe('OrganizationInventory, PackageInventorySync and cdk-nag AwsSolutions', () => {
  const findings = (props: Partial<OrganizationInventoryProps> = {}, build?: (stack: Stack) => Partial<OrganizationInventoryProps>) => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
    const inventory = new OrganizationInventory(stack, 'Inventory', { accounts: ['111122223333'], regions: ['us-east-1'], ...props, ...build?.(stack) });
    new PackageInventorySync(stack, 'Sync', { destination: inventory.destination, targets: InstanceTargets.tags({ A: ['b'] }), inventory: InventoryCollection.existingAssociation() });
    Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true }));
    return awsSolutionsFindings(stack).map((finding) => finding.split(': ').slice(0, 2).join(': '));
  };

  test('with server access logs: no finding (the library suppresses none)', () => {
    expect(findings({}, (stack) => ({ serverAccessLogsBucket: s3.Bucket.fromBucketName(stack, 'Logs', 'access-logs-111122223333') }))).toEqual([]);
  });

  test('without: S1 on both buckets, the one finding, left for the app to see', () => {
    expect(findings()).toEqual(['/Stack/Inventory/Bucket/Resource: AwsSolutions-S1', '/Stack/Inventory/Results/Resource: AwsSolutions-S1']);
  });
});

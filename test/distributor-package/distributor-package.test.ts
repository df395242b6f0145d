import { App, Lazy, Stack } from 'aws-cdk-lib';
import { DistributorPackage } from '../../src';

const DOCUMENT_NAME = 'must be 3 to 128 letters, digits, _ - or . (a document name)';

describe('DistributorPackage', () => {
  let stack: Stack;
  beforeEach(() => {
    stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'eu-west-1' } });
  });

  describe('fromPackageName', () => {
    test('passes the name to the document and formats an ARN in this account', () => {
      // WHEN
      const pkg = DistributorPackage.fromPackageName(stack, 'Pkg', 'ExamplePackage');

      // THEN
      expect(pkg.packageName).toBe('ExamplePackage');
      expect(pkg.packageReference).toBe('ExamplePackage');
      expect(stack.resolve(pkg.packageArn)).toEqual({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:eu-west-1:111122223333:document/ExamplePackage']],
      });
    });

    test('formats an AWS-published package without an account', () => {
      const pkg = DistributorPackage.fromPackageName(stack, 'Pkg', 'AmazonCloudWatchAgent');

      expect(stack.resolve(pkg.packageArn)).toEqual({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:eu-west-1::document/AmazonCloudWatchAgent']],
      });
    });

    test.each([
      ['', `packageName ${DOCUMENT_NAME}, got ''`],
      ['ab', `packageName ${DOCUMENT_NAME}, got 'ab'`],
      ['my package', `packageName ${DOCUMENT_NAME}, got 'my package'`],
      ['a'.repeat(129), `packageName ${DOCUMENT_NAME}, got '${'a'.repeat(117)}...' (129 characters)`],
      ['team/Agent', `packageName ${DOCUMENT_NAME}, got 'team/Agent'`],
      ['arn:aws:ssm:us-east-1:111122223333:document/Shared',
        "packageName must be a name, not an ARN: use DistributorPackage.fromPackageArn() for an ARN, got 'arn:aws:ssm:us-east-1:111122223333:document/Shared'"],
    ])('rejects %j', (name, message) => {
      expect(() => DistributorPackage.fromPackageName(stack, 'Pkg', name)).toThrow(`${stack.node.path}/Pkg: ${message}`);
    });

    test('passes a token through unchecked', () => {
      const name = Lazy.string({ produce: () => 'from a token' });

      expect(DistributorPackage.fromPackageName(stack, 'Pkg', name).packageReference).toBe(name);
    });
  });

  describe('fromPackageArn', () => {
    test.each([
      ['arn:aws:ssm:us-east-1:444455556666:document/SharedAgent', 'SharedAgent', '444455556666'],
      ['arn:aws-cn:ssm:cn-north-1:444455556666:package/Shared.Agent_2', 'Shared.Agent_2', '444455556666'],
    ])('takes %s as a shared package', (arn, name, account) => {
      const pkg = DistributorPackage.fromPackageArn(stack, 'Pkg', arn);

      expect(pkg.packageName).toBe(name);
      expect(pkg.packageArn).toBe(arn);
      expect(pkg.packageReference).toBe(arn);
      expect(pkg.env.account).toBe(account);
    });

    test('takes an AWS-owned ARN without an account', () => {
      const pkg = DistributorPackage.fromPackageArn(stack, 'Pkg', 'arn:aws:ssm:us-east-1::document/AWSPVDriver');

      expect(pkg.packageName).toBe('AWSPVDriver');
      expect(pkg.env.account).toBe('111122223333');
    });

    test.each([
      'ExamplePackage',
      'arn:aws:s3:::bucket/ExamplePackage',
      'arn:aws:ssm:us-east-1:1234:document/ExamplePackage',
      'arn:aws:ssm:us-east-1:111122223333:parameter/ExamplePackage',
      'arn:aws:ssm:us-east-1:111122223333:document/',
      'arn:aws:ssm:us-east-1:111122223333:document/ab',
    ])('rejects %s', (arn) => {
      expect(() => DistributorPackage.fromPackageArn(stack, 'Pkg', arn)).toThrow(
        `${stack.node.path}/Pkg: packageArn must be arn:PARTITION:ssm:REGION:ACCOUNT:document/NAME (or package/NAME), NAME ${DOCUMENT_NAME.slice('must be '.length)}, got '${arn}'`);
    });

    test("rejects an ARN longer than SSM's DocumentARN pattern takes (128 characters)", () => {
      const arn = `arn:aws:ssm:us-east-1:111122223333:document/${'a'.repeat(128 - 44 + 1)}`;

      expect(() => DistributorPackage.fromPackageArn(stack, 'Pkg', arn)).toThrow(
        `${stack.node.path}/Pkg: packageArn must fit SSM's document ARN pattern ^[a-zA-Z0-9_\\-.:/]{3,128}$, got '${arn.slice(0, 117)}...' (129 characters)`);
      expect(() => DistributorPackage.fromPackageArn(stack, 'Pkg2', arn.slice(0, -1))).not.toThrow();
    });

    test('splits a token ARN at deploy time', () => {
      const arn = Lazy.string({ produce: () => 'arn:aws:ssm:us-east-1:444455556666:document/Shared' });

      const pkg = DistributorPackage.fromPackageArn(stack, 'Pkg', arn);

      expect(pkg.packageReference).toBe(arn);
      expect(stack.resolve(pkg.packageName)).toEqual({
        'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', 'arn:aws:ssm:us-east-1:444455556666:document/Shared'] }] }] }],
      });
    });
  });
});

import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';

/**
 * What SSM Agent needs to write command output to a bucket: put the objects (and their ACL) under the
 * prefix, read the bucket's encryption settings, and use its KMS key if it has one. No more: no delete, no read.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html
 */
export function grantBucketOutput(grantee: iam.IGrantable, bucket: s3.IBucket, keyPrefix = ''): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:PutObject', 's3:PutObjectAcl'],
    resourceArns: [bucket.arnForObjects(`${keyPrefix}*`)],
  })
    // SSE-KMS: a data key for each object (and decryption, for multipart uploads).
    .combine(bucket.encryptionKey ? bucket.encryptionKey.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt') : iam.Grant.drop(grantee, 'no key'))
    .combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetEncryptionConfiguration'],
      resourceArns: [bucket.bucketArn],
    }));
}

/**
 * What SSM Agent needs to send command output to a log group: find the group and its streams, create a
 * stream and put events.
 * @see https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-rc-setting-up-cwlogs.html
 */
export function grantLogGroupOutput(grantee: iam.IGrantable, logGroup: logs.ILogGroup): iam.Grant {
  return logGroup.grantWrite(grantee)
    .combine(logGroup.grant(grantee, 'logs:DescribeLogStreams'))
    .combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['logs:DescribeLogGroups'],
      resourceArns: [Stack.of(logGroup).formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }));
}

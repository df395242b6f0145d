import * as config from 'aws-cdk-lib/aws-config';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { CONFIG_API } from '../private/aws-api-model';
import { checkArguments, checkShape, validateIn } from '../private/validation';

/**
 * Properties of an `AssociationComplianceRule`.
 */
export interface AssociationComplianceRuleProps {
  /**
   * The AWS Config rule's name, 1 to 128 characters.
   * @default - a name CloudFormation generates
   * @see https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigRule.html
   */
  readonly configRuleName?: string;

  /**
   * The rule's description, at most 256 characters.
   * @default - says which associations it judges
   * @see https://docs.aws.amazon.com/config/latest/APIReference/API_ConfigRule.html
   */
  readonly description?: string;
}

/**
 * The AWS Config managed rule `ec2-managedinstance-association-compliance-status-check`: a managed node is
 * NON_COMPLIANT while any State Manager association on it (not only this library's) last failed there.
 * It judges the resource type `AWS::SSM::AssociationCompliance`, which the account's configuration recorder must
 * record. Opt-in: AWS Config charges per rule evaluation.
 *
 * The rule takes no parameters, so it cannot be narrowed to one association; nor can the "Configuration Compliance
 * State Change" event, which names the node and the compliance type, never the association.
 *
 * @see https://docs.aws.amazon.com/config/latest/developerguide/ec2-managedinstance-association-compliance-status-check.html
 */
export class AssociationComplianceRule extends Construct {
  /** The AWS Config rule. */
  public readonly rule: config.ManagedRule;

  constructor(scope: Construct, id: string, props: AssociationComplianceRuleProps = {}) {
    super(scope, id);
    validateIn(this, () => {
      // AWS Config's `ConfigRuleName` and `Description` (`EmptiableStringWithCharLimit256`) shapes.
      if (props.configRuleName !== undefined) {
        checkShape('configRuleName', props.configRuleName, CONFIG_API.ConfigRuleName, 'must be 1 to 128 characters, not all spaces');
      }
      if (props.description !== undefined) {
        checkShape('description', props.description, CONFIG_API.EmptiableStringWithCharLimit256, 'must be at most 256 characters');
      }
    });
    this.rule = new config.ManagedRule(this, 'Resource', {
      identifier: config.ManagedRuleIdentifiers.EC2_MANAGED_INSTANCE_ASSOCIATION_COMPLIANCE_STATUS_CHECK,
      configRuleName: props.configRuleName,
      description: props.description ?? 'Managed nodes where a State Manager association last failed are NON_COMPLIANT',
      ruleScope: config.RuleScope.fromResources([config.ResourceType.SYSTEMS_MANAGER_ASSOCIATION_COMPLIANCE]),
    });
  }

  /** An EventBridge rule for the Config rule's compliance changes ("Config Rules Compliance Change"). */
  public onComplianceChange(id: string, options?: events.OnEventOptions): events.Rule {
    checkArguments(this, 'onComplianceChange', { id });
    return this.rule.onComplianceChange(id, options);
  }
}

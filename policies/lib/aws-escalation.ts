// AWS-SPECIFIC. IAM privilege-escalation paths as data: each set is the actions that together
// let a principal raise its own privileges, when granted on unconstrained resources.
// Ids and action sets follow the public research: Rhino Security Labs' "AWS IAM Privilege
// Escalation – Methods and Mitigation" (as implemented in Pacu's iam__privesc_scan) and the
// additional paths Cloudsplaining imports from pathfinding.cloud, plus the SSM paths of Bishop
// Fox's iam-vulnerable. Pathfinding variants that only add actions to a smaller set already
// listed (e.g. CreateAccessKey + DeleteAccessKey) are left out: the smaller set already fires.

export interface EscalationSet {
  /** Stable id, as the research names the method. */
  id: string;
  /** Every one must be allowed (on "*") for the path to be open. */
  actions: readonly string[];
  /** What the path does, in a few words. */
  summary: string;
  /** Where the path is documented: Rhino/Pacu, pathfinding.cloud, Bishop Fox's iam-vulnerable. */
  origin: 'rhino' | 'pathfinding' | 'iam-vulnerable';
}

const set = (
  id: string,
  origin: EscalationSet['origin'],
  summary: string,
  ...actions: string[]
): EscalationSet => ({
  id,
  actions,
  summary,
  origin,
});

export const ESCALATION_SETS: readonly EscalationSet[] = [
  // Permissions on policies
  set(
    'CreateNewPolicyVersion',
    'rhino',
    'write a new default version of a policy it holds',
    'iam:CreatePolicyVersion',
  ),
  set(
    'SetExistingDefaultPolicyVersion',
    'rhino',
    'switch a policy to a more permissive old version',
    'iam:SetDefaultPolicyVersion',
  ),
  set('AttachUserPolicy', 'rhino', 'attach any managed policy to a user', 'iam:AttachUserPolicy'),
  set('AttachGroupPolicy', 'rhino', 'attach any managed policy to a group', 'iam:AttachGroupPolicy'),
  set('AttachRolePolicy', 'rhino', 'attach any managed policy to a role', 'iam:AttachRolePolicy'),
  set('PutUserPolicy', 'rhino', 'write an inline policy on a user', 'iam:PutUserPolicy'),
  set('PutGroupPolicy', 'rhino', 'write an inline policy on a group', 'iam:PutGroupPolicy'),
  set('PutRolePolicy', 'rhino', 'write an inline policy on a role', 'iam:PutRolePolicy'),
  // Permissions on other principals
  set('CreateAccessKey', 'rhino', 'create access keys for another user', 'iam:CreateAccessKey'),
  set('CreateLoginProfile', 'rhino', 'give another user a console password', 'iam:CreateLoginProfile'),
  set('UpdateLoginProfile', 'rhino', "reset another user's console password", 'iam:UpdateLoginProfile'),
  set('AddUserToGroup', 'rhino', 'join a more privileged group', 'iam:AddUserToGroup'),
  // A trust policy naming the caller's own ARN lets it assume the role within the account
  // without an identity-policy grant of sts:AssumeRole, so the update alone suffices (as Pacu
  // and Cloudsplaining model it).
  set(
    'UpdateRolePolicyToAssumeIt',
    'rhino',
    "rewrite a role's trust policy to assume it",
    'iam:UpdateAssumeRolePolicy',
  ),
  // iam:PassRole to a new compute resource that then runs the caller's code
  set(
    'CreateEC2WithExistingIP',
    'rhino',
    'launch an instance with a privileged instance profile',
    'iam:PassRole',
    'ec2:RunInstances',
  ),
  set(
    'PassExistingRoleToNewLambdaThenInvoke',
    'rhino',
    'create and invoke a Lambda function with a privileged role',
    'iam:PassRole',
    'lambda:CreateFunction',
    'lambda:InvokeFunction',
  ),
  set(
    'PassExistingRoleToNewLambdaThenInvokeCrossAccount',
    'rhino',
    'create a Lambda function with a privileged role and let another account invoke it',
    'iam:PassRole',
    'lambda:CreateFunction',
    'lambda:AddPermission',
  ),
  set(
    'PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo',
    'rhino',
    'create a Lambda function with a privileged role triggered by an event source',
    'iam:PassRole',
    'lambda:CreateFunction',
    'lambda:CreateEventSourceMapping',
  ),
  set(
    'PassExistingRoleToNewGlueDevEndpoint',
    'rhino',
    'create a Glue dev endpoint with a privileged role',
    'iam:PassRole',
    'glue:CreateDevEndpoint',
  ),
  set(
    'PassExistingRoleToCloudFormation',
    'rhino',
    'create a CloudFormation stack that runs as a privileged role',
    'iam:PassRole',
    'cloudformation:CreateStack',
  ),
  set(
    'PassExistingRoleToNewDataPipeline',
    'rhino',
    'create a Data Pipeline that runs as a privileged role',
    'iam:PassRole',
    'datapipeline:CreatePipeline',
    'datapipeline:PutPipelineDefinition',
  ),
  set(
    'PassExistingRoleToNewCodeStarProject',
    'rhino',
    'create a CodeStar project with a privileged service role',
    'iam:PassRole',
    'codestar:CreateProject',
  ),
  set(
    'PassRoleToNewSageMakerJupyterNotebook',
    'rhino',
    'create and open a SageMaker notebook with a privileged role',
    'iam:PassRole',
    'sagemaker:CreateNotebookInstance',
    'sagemaker:CreatePresignedNotebookInstanceUrl',
  ),
  // Services whose existing resources already run as a role
  set(
    'EditExistingLambdaFunctionWithRole',
    'rhino',
    'replace the code of a Lambda function that runs as a role',
    'lambda:UpdateFunctionCode',
  ),
  set(
    'AddExistingLambdaLayerToLambdaFunctionWithRole',
    'rhino',
    'add a layer to a Lambda function that runs as a role',
    'lambda:UpdateFunctionConfiguration',
  ),
  set(
    'UpdateExistingGlueDevEndpoint',
    'rhino',
    'add an SSH key to a Glue dev endpoint that runs as a role',
    'glue:UpdateDevEndpoint',
  ),
  set(
    'CodeStarCreateProjectFromTemplate',
    'rhino',
    'create a CodeStar project from a template with its service role',
    'codestar:CreateProjectFromTemplate',
  ),
  set(
    'CodeStarCreateProjectThenAssociateTeamMember',
    'rhino',
    'create a CodeStar project and join it as owner',
    'codestar:CreateProject',
    'codestar:AssociateTeamMember',
  ),
  set(
    'AccessExistingSageMakerJupyterNotebook',
    'rhino',
    'open an existing SageMaker notebook that runs as a role',
    'sagemaker:CreatePresignedNotebookInstanceUrl',
  ),
  // pathfinding.cloud paths (via Cloudsplaining)
  set(
    'PassExistingRoleToNewEC2SpotInstance',
    'pathfinding',
    'request a spot instance with a privileged instance profile',
    'iam:PassRole',
    'ec2:RequestSpotInstances',
  ),
  set(
    'PassExistingRoleToNewCodeBuildProjectThenBuild',
    'pathfinding',
    'create and run a CodeBuild project with a privileged role',
    'iam:PassRole',
    'codebuild:CreateProject',
    'codebuild:StartBuild',
  ),
  set(
    'PassExistingRoleToNewCodeBuildProjectThenBuildBatch',
    'pathfinding',
    'create and batch-run a CodeBuild project with a privileged role',
    'iam:PassRole',
    'codebuild:CreateProject',
    'codebuild:StartBuildBatch',
  ),
  set(
    'PassExistingRoleToNewECSTaskViaRunTask',
    'pathfinding',
    'run an ECS task with a privileged task role',
    'iam:PassRole',
    'ecs:RegisterTaskDefinition',
    'ecs:RunTask',
  ),
  set(
    'PassExistingRoleToNewECSTaskViaStartTask',
    'pathfinding',
    'start an ECS task with a privileged task role',
    'iam:PassRole',
    'ecs:RegisterTaskDefinition',
    'ecs:StartTask',
  ),
  set(
    'PassExistingRoleToNewECSService',
    'pathfinding',
    'create an ECS service with a privileged task role',
    'iam:PassRole',
    'ecs:RegisterTaskDefinition',
    'ecs:CreateService',
  ),
  set(
    'PassExistingRoleToNewGlueJobThenRun',
    'pathfinding',
    'create and run a Glue job with a privileged role',
    'iam:PassRole',
    'glue:CreateJob',
    'glue:StartJobRun',
  ),
  set(
    'PassExistingRoleToNewGlueJobViaTrigger',
    'pathfinding',
    'create a Glue job with a privileged role and a trigger',
    'iam:PassRole',
    'glue:CreateJob',
    'glue:CreateTrigger',
  ),
  set(
    'PassExistingRoleToUpdatedGlueJobThenRun',
    'pathfinding',
    'give a Glue job a privileged role and run it',
    'iam:PassRole',
    'glue:UpdateJob',
    'glue:StartJobRun',
  ),
  set(
    'PassExistingRoleToUpdatedGlueJobViaTrigger',
    'pathfinding',
    'give a Glue job a privileged role and trigger it',
    'iam:PassRole',
    'glue:UpdateJob',
    'glue:CreateTrigger',
  ),
  set(
    'PassExistingRoleToNewSageMakerTrainingJob',
    'pathfinding',
    'run a SageMaker training job with a privileged role',
    'iam:PassRole',
    'sagemaker:CreateTrainingJob',
  ),
  set(
    'PassExistingRoleToNewSageMakerProcessingJob',
    'pathfinding',
    'run a SageMaker processing job with a privileged role',
    'iam:PassRole',
    'sagemaker:CreateProcessingJob',
  ),
  set(
    'PassExistingRoleToNewAppRunnerService',
    'pathfinding',
    'create an App Runner service with a privileged role',
    'iam:PassRole',
    'apprunner:CreateService',
  ),
  set(
    'PassExistingRoleToNewCloudFormationStackSet',
    'pathfinding',
    'create a CloudFormation stack set that runs as a privileged role',
    'iam:PassRole',
    'cloudformation:CreateStackSet',
    'cloudformation:CreateStackInstances',
  ),
  set(
    'PassRoleToUpdateCloudFormationStackSet',
    'pathfinding',
    'point a CloudFormation stack set at a privileged role',
    'iam:PassRole',
    'cloudformation:UpdateStackSet',
  ),
  set(
    'ExecuteCloudFormationChangeSet',
    'pathfinding',
    'change a stack that deploys as a privileged role',
    'cloudformation:CreateChangeSet',
    'cloudformation:ExecuteChangeSet',
  ),
  set(
    'ModifyEC2InstanceUserDataThenRestart',
    'pathfinding',
    "rewrite an instance's user data and restart it",
    'ec2:ModifyInstanceAttribute',
    'ec2:StopInstances',
    'ec2:StartInstances',
  ),
  set(
    'ModifyExistingEC2LaunchTemplate',
    'pathfinding',
    'change the launch template of instances with a role',
    'ec2:CreateLaunchTemplateVersion',
    'ec2:ModifyLaunchTemplate',
  ),
  set(
    'EC2InstanceConnectSendSSHPublicKey',
    'pathfinding',
    'push an SSH key to instances that run as a role',
    'ec2-instance-connect:SendSSHPublicKey',
    'ec2:DescribeInstances',
  ),
  set(
    'ECSExecuteCommandOnRunningTask',
    'pathfinding',
    'open a shell in a running ECS task with a role',
    'ecs:ExecuteCommand',
    'ecs:DescribeTasks',
  ),
  set(
    'UpdateSageMakerNotebookLifecycleConfig',
    'pathfinding',
    'run code in a SageMaker notebook through its lifecycle config',
    'sagemaker:CreateNotebookInstanceLifecycleConfig',
    'sagemaker:StopNotebookInstance',
    'sagemaker:UpdateNotebookInstance',
    'sagemaker:StartNotebookInstance',
  ),
  set(
    'AccessExistingBedrockCodeInterpreterSession',
    'pathfinding',
    'run code in a Bedrock AgentCore code interpreter with a role',
    'bedrock-agentcore:StartCodeInterpreterSession',
    'bedrock-agentcore:InvokeCodeInterpreter',
  ),
  // Bishop Fox iam-vulnerable
  set(
    'SSMSendCommand',
    'iam-vulnerable',
    'run commands on managed instances that run as a role',
    'ssm:SendCommand',
  ),
  set(
    'SSMStartSession',
    'iam-vulnerable',
    'open a shell on managed instances that run as a role',
    'ssm:StartSession',
  ),
];

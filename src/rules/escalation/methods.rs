//! The privilege-escalation methods, as data: what a principal must be allowed, on what,
//! and the requests that carry each one out. The list is taken from public research:
//! Rhino Security Labs' "AWS IAM Privilege Escalation – Methods and Mitigation" (Spencer
//! Gietzen, 2018) and the edges of NCC Group's Principal Mapper
//! (`principalmapper/graphing/*_edges.py`). Each rule file under `rules/escalation/`
//! lists the methods of its family with those sources.

use super::Family;

/// What a method acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aim {
    /// The principal's own identity (its ARN), by its kind.
    OwnIdentity,
    /// A customer managed policy the principal holds.
    HeldPolicy,
    /// Another IAM user.
    User,
    /// Another IAM role.
    Role,
    /// A group, which a user may join.
    Group,
    /// An existing Lambda function that runs as a role.
    FunctionOfRole,
}

/// The kind of identity an `OwnIdentity` method applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Role,
    User,
    Group,
}

/// One request of a method: the action, and which resource it is made on.
#[derive(Clone, Copy, Debug)]
pub struct Ask {
    pub action: &'static str,
    pub on: On,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum On {
    /// The method's target (the role passed, the user, the policy).
    Target,
    /// A resource of the service that runs code, made up for the probe.
    Made(&'static str),
}

#[derive(Debug)]
pub struct Method {
    pub family: Family,
    /// How findings name it: `iam:PassRole + ec2:RunInstances`.
    pub name: &'static str,
    pub aim: Aim,
    /// For `OwnIdentity`: which kind of identity it edits.
    pub kind: Option<Kind>,
    /// Every group must be allowed; within a group, any one request will do.
    pub needs: &'static [&'static [Ask]],
    /// The service principal the passed role must trust, for `iam:PassRole` methods.
    pub service: Option<&'static str>,
    /// The request sequence that carries it out, `{target}` standing for the target.
    pub steps: &'static str,
}

const fn ask(action: &'static str) -> Ask {
    Ask {
        action,
        on: On::Target,
    }
}

const fn made(action: &'static str, resource: &'static str) -> Ask {
    Ask {
        action,
        on: On::Made(resource),
    }
}

const PASS: Ask = ask("iam:PassRole");

/// The AWS managed policy an `Attach*Policy` request is asked with (`iam:PolicyARN`).
pub const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

/// Probe resources of services that run code, in the account and Region of the probe.
mod made {
    pub const INSTANCE: &str = "arn:aws:ec2:us-east-1:111122223333:instance/i-0iamlint";
    pub const FUNCTION: &str = "arn:aws:lambda:us-east-1:111122223333:function:iamlint-probe";
    pub const DEV_ENDPOINT: &str = "arn:aws:glue:us-east-1:111122223333:devEndpoint/iamlint-probe";
    pub const STACK: &str = "arn:aws:cloudformation:us-east-1:111122223333:stack/iamlint-probe/0f3c9a52";
    pub const NOTEBOOK: &str = "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/iamlint-probe";
    pub const PROJECT: &str = "arn:aws:codebuild:us-east-1:111122223333:project/iamlint-probe";
    pub const TASK_DEFINITION: &str = "arn:aws:ecs:us-east-1:111122223333:task-definition/iamlint-probe:1";
    pub const ANY: &str = "*";
}

pub static METHODS: &[Method] = &[
    // Rhino Security Labs; PMapper treats a principal that can edit its own policies as an admin.
    Method {
        family: Family::PolicyVersion,
        name: "iam:CreatePolicyVersion",
        aim: Aim::HeldPolicy,
        kind: None,
        needs: &[&[ask("iam:CreatePolicyVersion")]],
        service: None,
        steps: "`iam:CreatePolicyVersion` on {target} with a document that allows `*` on `*` and `SetAsDefault` true: \
                the new version takes effect at once",
    },
    // Rhino Security Labs.
    Method {
        family: Family::PolicyVersion,
        name: "iam:SetDefaultPolicyVersion",
        aim: Aim::HeldPolicy,
        kind: None,
        needs: &[&[ask("iam:SetDefaultPolicyVersion")]],
        service: None,
        steps: "`iam:ListPolicyVersions` on {target}, then `iam:SetDefaultPolicyVersion` to an older version that allows more",
    },
    // Rhino Security Labs.
    Method {
        family: Family::SelfPolicyEdit,
        name: "iam:AttachRolePolicy",
        aim: Aim::OwnIdentity,
        kind: Some(Kind::Role),
        needs: &[&[ask("iam:AttachRolePolicy")]],
        service: None,
        steps: "`iam:AttachRolePolicy` on {target} with `PolicyArn` `arn:aws:iam::aws:policy/AdministratorAccess`",
    },
    Method {
        family: Family::SelfPolicyEdit,
        name: "iam:AttachUserPolicy",
        aim: Aim::OwnIdentity,
        kind: Some(Kind::User),
        needs: &[&[ask("iam:AttachUserPolicy")]],
        service: None,
        steps: "`iam:AttachUserPolicy` on {target} with `PolicyArn` `arn:aws:iam::aws:policy/AdministratorAccess`",
    },
    Method {
        family: Family::SelfPolicyEdit,
        name: "iam:AttachGroupPolicy",
        aim: Aim::OwnIdentity,
        kind: Some(Kind::Group),
        needs: &[&[ask("iam:AttachGroupPolicy")]],
        service: None,
        steps: "`iam:AttachGroupPolicy` on {target} with `PolicyArn` `arn:aws:iam::aws:policy/AdministratorAccess`",
    },
    // Rhino Security Labs.
    Method {
        family: Family::SelfPolicyEdit,
        name: "iam:PutRolePolicy",
        aim: Aim::OwnIdentity,
        kind: Some(Kind::Role),
        needs: &[&[ask("iam:PutRolePolicy")]],
        service: None,
        steps: "`iam:PutRolePolicy` on {target} with an inline policy that allows `*` on `*`",
    },
    Method {
        family: Family::SelfPolicyEdit,
        name: "iam:PutUserPolicy",
        aim: Aim::OwnIdentity,
        kind: Some(Kind::User),
        needs: &[&[ask("iam:PutUserPolicy")]],
        service: None,
        steps: "`iam:PutUserPolicy` on {target} with an inline policy that allows `*` on `*`",
    },
    Method {
        family: Family::SelfPolicyEdit,
        name: "iam:PutGroupPolicy",
        aim: Aim::OwnIdentity,
        kind: Some(Kind::Group),
        needs: &[&[ask("iam:PutGroupPolicy")]],
        service: None,
        steps: "`iam:PutGroupPolicy` on {target} with an inline policy that allows `*` on `*`",
    },
    // Rhino Security Labs.
    Method {
        family: Family::SelfPolicyEdit,
        name: "iam:AddUserToGroup",
        aim: Aim::Group,
        kind: None,
        needs: &[&[ask("iam:AddUserToGroup")]],
        service: None,
        steps: "`iam:AddUserToGroup` to put the user in {target}",
    },
    // Rhino Security Labs; PMapper `iam_edges.py`.
    Method {
        family: Family::CredentialsForOthers,
        name: "iam:CreateAccessKey",
        aim: Aim::User,
        kind: None,
        needs: &[&[ask("iam:CreateAccessKey")]],
        service: None,
        steps: "`iam:CreateAccessKey` for {target}, then sign requests with the new key",
    },
    Method {
        family: Family::CredentialsForOthers,
        name: "iam:CreateLoginProfile",
        aim: Aim::User,
        kind: None,
        needs: &[&[ask("iam:CreateLoginProfile")]],
        service: None,
        steps: "`iam:CreateLoginProfile` for {target} with a password of one's choosing, then sign in to the console as it",
    },
    Method {
        family: Family::CredentialsForOthers,
        name: "iam:UpdateLoginProfile",
        aim: Aim::User,
        kind: None,
        needs: &[&[ask("iam:UpdateLoginProfile")]],
        service: None,
        steps: "`iam:UpdateLoginProfile` for {target} with a new password, then sign in to the console as it",
    },
    // PMapper `sts_edges.py`.
    Method {
        family: Family::AssumeMorePowerful,
        name: "sts:AssumeRole",
        aim: Aim::Role,
        kind: None,
        needs: &[&[ask("sts:AssumeRole")]],
        service: None,
        steps: "`sts:AssumeRole` of {target}, whose trust policy lets the caller in",
    },
    // Rhino Security Labs (with sts:AssumeRole); PMapper `iam_edges.py`.
    Method {
        family: Family::AssumeMorePowerful,
        name: "iam:UpdateAssumeRolePolicy + sts:AssumeRole",
        aim: Aim::Role,
        kind: None,
        needs: &[&[ask("iam:UpdateAssumeRolePolicy")], &[ask("sts:AssumeRole")]],
        service: None,
        steps: "`iam:UpdateAssumeRolePolicy` on {target} with a trust policy that names the caller, then `sts:AssumeRole` of it",
    },
    // Rhino Security Labs; PMapper `lambda_edges.py`.
    Method {
        family: Family::AssumeMorePowerful,
        name: "lambda:UpdateFunctionCode",
        aim: Aim::FunctionOfRole,
        kind: None,
        needs: &[&[ask("lambda:UpdateFunctionCode")]],
        service: None,
        steps: "`lambda:UpdateFunctionCode` of {target} with code that uses the role's credentials, which the function \
                runs with on its next invocation",
    },
    // Rhino Security Labs; PMapper `ec2_edges.py`.
    Method {
        family: Family::PassRole,
        name: "iam:PassRole + ec2:RunInstances",
        aim: Aim::Role,
        kind: None,
        needs: &[&[PASS], &[made("ec2:RunInstances", made::INSTANCE)]],
        service: Some("ec2.amazonaws.com"),
        steps: "`ec2:RunInstances` with an instance profile of {target} (passed with `iam:PassRole`) and user data that \
                runs code; the code reads the role's credentials from the instance metadata service",
    },
    // Rhino Security Labs; PMapper `lambda_edges.py`.
    Method {
        family: Family::PassRole,
        name: "iam:PassRole + lambda:CreateFunction",
        aim: Aim::Role,
        kind: None,
        needs: &[
            &[PASS],
            &[made("lambda:CreateFunction", made::FUNCTION)],
            &[
                made("lambda:InvokeFunction", made::FUNCTION),
                made("lambda:CreateEventSourceMapping", made::ANY),
            ],
        ],
        service: Some("lambda.amazonaws.com"),
        steps: "`lambda:CreateFunction` with {target} as execution role (passed with `iam:PassRole`), then \
                `lambda:InvokeFunction` (or `lambda:CreateEventSourceMapping` to have an event invoke it)",
    },
    // Rhino Security Labs; PMapper `glue_edges.py`.
    Method {
        family: Family::PassRole,
        name: "iam:PassRole + glue:CreateDevEndpoint",
        aim: Aim::Role,
        kind: None,
        needs: &[&[PASS], &[made("glue:CreateDevEndpoint", made::DEV_ENDPOINT)]],
        service: Some("glue.amazonaws.com"),
        steps: "`glue:CreateDevEndpoint` with {target} as its role (passed with `iam:PassRole`) and one's own SSH public key, \
                then SSH to the endpoint and use the role's credentials",
    },
    // Rhino Security Labs; PMapper `cloudformation_edges.py`.
    Method {
        family: Family::PassRole,
        name: "iam:PassRole + cloudformation:CreateStack",
        aim: Aim::Role,
        kind: None,
        needs: &[&[PASS], &[made("cloudformation:CreateStack", made::STACK)]],
        service: Some("cloudformation.amazonaws.com"),
        steps: "`cloudformation:CreateStack` with {target} as `RoleARN` (passed with `iam:PassRole`) and a template whose \
                resources do what the role may",
    },
    // Rhino Security Labs; PMapper `datapipeline_edges.py`.
    Method {
        family: Family::PassRole,
        name: "iam:PassRole + datapipeline:CreatePipeline",
        aim: Aim::Role,
        kind: None,
        needs: &[
            &[PASS],
            &[made("datapipeline:CreatePipeline", made::ANY)],
            &[made("datapipeline:PutPipelineDefinition", made::ANY)],
        ],
        service: Some("datapipeline.amazonaws.com"),
        steps: "`datapipeline:CreatePipeline`, then `datapipeline:PutPipelineDefinition` with a `ShellCommandActivity` \
                running as {target} (passed with `iam:PassRole`), then `datapipeline:ActivatePipeline`",
    },
    // PMapper `sagemaker_edges.py`.
    Method {
        family: Family::PassRole,
        name: "iam:PassRole + sagemaker:CreateNotebookInstance",
        aim: Aim::Role,
        kind: None,
        needs: &[
            &[PASS],
            &[made("sagemaker:CreateNotebookInstance", made::NOTEBOOK)],
        ],
        service: Some("sagemaker.amazonaws.com"),
        steps: "`sagemaker:CreateNotebookInstance` with {target} as its role (passed with `iam:PassRole`), then \
                `sagemaker:CreatePresignedNotebookInstanceUrl` and run code in the notebook",
    },
    // PMapper `codebuild_edges.py`.
    Method {
        family: Family::PassRole,
        name: "iam:PassRole + codebuild:CreateProject",
        aim: Aim::Role,
        kind: None,
        needs: &[
            &[PASS],
            &[made("codebuild:CreateProject", made::PROJECT)],
            &[made("codebuild:StartBuild", made::PROJECT)],
        ],
        service: Some("codebuild.amazonaws.com"),
        steps: "`codebuild:CreateProject` with {target} as service role (passed with `iam:PassRole`) and a buildspec that \
                runs code, then `codebuild:StartBuild`",
    },
    // PMapper `ecs_edges.py`.
    Method {
        family: Family::PassRole,
        name: "iam:PassRole + ecs:RunTask",
        aim: Aim::Role,
        kind: None,
        needs: &[
            &[PASS],
            &[made("ecs:RegisterTaskDefinition", made::ANY)],
            &[made("ecs:RunTask", made::TASK_DEFINITION)],
        ],
        service: Some("ecs-tasks.amazonaws.com"),
        steps: "`ecs:RegisterTaskDefinition` with {target} as task role (passed with `iam:PassRole`) and a container that \
                runs code, then `ecs:RunTask`",
    },
];

/// Every action some method asks for: a principal allowed none of them has no edge.
pub fn method_actions() -> impl Iterator<Item = &'static str> {
    METHODS
        .iter()
        .flat_map(|m| m.needs.iter().flat_map(|group| group.iter().map(|a| a.action)))
}

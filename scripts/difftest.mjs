// Differential test of iamlint's policy evaluator against @cloud-copilot/iam-simulate, an
// independent implementation of the same AWS evaluation logic. Run it through
// scripts/difftest, which installs the pinned package and builds our side.
//
//   node scripts/difftest.mjs --simulate DIR --ours BIN [--seed N] [--cases N] [--out FILE]
//
// DIR is the installed @cloud-copilot/iam-simulate package, BIN the built
// examples/difftest_eval.
//
// It generates random but realistic cases (policies + one request each) from a fixed seed,
// decides each with both evaluators, shrinks every disagreement to a minimal case that
// still disagrees, groups the minimal cases into classes and prints a report (markdown).
// --out writes every disagreement (original and minimal case) as JSON lines.

import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

// ---------------------------------------------------------------------------------------
// Arguments

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), [])
)
if (!args.simulate || !args.ours) {
  console.error('usage: difftest.mjs --simulate DIR --ours BIN [--seed N] [--cases N] [--out FILE]')
  process.exit(2)
}
const seed = Number(args.seed ?? 20261126)
const caseCount = Number(args.cases ?? 10000)
const { runSimulation } = await import(pathToFileURL(join(args.simulate, 'dist/esm/index.js')).href)
// Not exported from the package's index: how runSimulation keeps only the context keys that
// apply to the action and gives each key its type (string or list). Both evaluators get the
// context it returns, so that they are compared on evaluation logic, not on catalog knowledge.
const { normalizeSimulationParameters } = await import(
  pathToFileURL(join(args.simulate, 'dist/esm/simulation_engine/simulationEngine.js')).href
)

// ---------------------------------------------------------------------------------------
// A seeded generator (mulberry32): the same seed gives the same cases on every machine.

function generator(seed) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const rng = {
    next,
    below: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    some: (items, max) => {
      const n = 1 + Math.floor(next() * Math.min(max, items.length))
      const pool = [...items]
      const out = []
      for (let i = 0; i < n; i++) out.push(pool.splice(Math.floor(next() * pool.length), 1)[0])
      return out
    }
  }
  return rng
}

// ---------------------------------------------------------------------------------------
// The world the cases live in: two accounts, a few callers, resources of services whose
// authorization is AWS's general logic (no service-specific rules: see docs/difftest.md).

const HOME = '111122223333'
const OTHER = '444455556666'

const CALLERS = [
  { principal: `arn:aws:iam::${HOME}:user/alice`, kind: 'user', account: HOME, username: 'alice' },
  { principal: `arn:aws:iam::${HOME}:role/Deployer`, kind: 'role', account: HOME },
  { principal: `arn:aws:sts::${HOME}:assumed-role/Deployer/alice-session`, kind: 'session', account: HOME, role: `arn:aws:iam::${HOME}:role/Deployer` },
  { principal: `arn:aws:iam::${OTHER}:user/bob`, kind: 'user', account: OTHER, username: 'bob' },
  { principal: `arn:aws:sts::${OTHER}:assumed-role/Auditor/audit-1`, kind: 'session', account: OTHER, role: `arn:aws:iam::${OTHER}:role/Auditor` },
  { principal: `arn:aws:iam::${HOME}:root`, kind: 'root', account: HOME },
  { principal: `arn:aws:sts::${HOME}:federated-user/carol`, kind: 'federated', account: HOME },
  { principal: 'sns.amazonaws.com', kind: 'service' }
]

/** One resource per service, in either account, with the actions that apply to it. */
function resourcesFor(account) {
  return [
    { arn: 'arn:aws:s3:::reports-bucket/home/alice/q1.csv', account, actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'] },
    { arn: 'arn:aws:s3:::reports-bucket', account, actions: ['s3:ListBucket', 's3:GetBucketPolicy'] },
    { arn: `arn:aws:sqs:eu-west-1:${account}:orders-queue`, account, actions: ['sqs:SendMessage', 'sqs:ReceiveMessage'] },
    { arn: `arn:aws:sns:eu-west-1:${account}:alerts`, account, actions: ['sns:Publish', 'sns:Subscribe'] },
    { arn: `arn:aws:dynamodb:eu-west-1:${account}:table/orders`, account, actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] },
    { arn: `arn:aws:ec2:eu-west-1:${account}:instance/i-0abc123`, account, actions: ['ec2:StartInstances', 'ec2:TerminateInstances'] },
    { arn: `arn:aws:lambda:eu-west-1:${account}:function:app-handler`, account, actions: ['lambda:InvokeFunction', 'lambda:GetFunction'] },
    { arn: `arn:aws:secretsmanager:eu-west-1:${account}:secret:app/db-AbCdEf`, account, actions: ['secretsmanager:GetSecretValue'] },
    { arn: `arn:aws:iam::${account}:role/app-worker`, account, actions: ['iam:PassRole', 'iam:GetRole'] }
  ]
}

/** Action patterns a policy may use for a request's action: exact, case-changed, wildcards. */
function actionPatterns(rng, action) {
  const [service, name] = action.split(':')
  return rng.pick([
    action,
    action,
    `${service}:*`,
    `${service}:${name.slice(0, 3)}*`,
    `${service}:*${name.slice(-4)}`,
    `${service}:${name.slice(0, 1)}?${name.slice(2)}`,
    `${service}:*${name.slice(2, 5)}*`,
    `${service}:${name.slice(0, 2)}*${name.slice(-3)}`,
    `${service.toUpperCase()}:${name.toLowerCase()}`,
    '*',
    rng.pick(['s3:GetObject', 'sqs:*', 'ec2:Describe*', 'dynamodb:Get*', 'iam:PassRole', 'lambda:Invoke*'])
  ])
}

/** Resource patterns for a resource ARN: exact, wildcards, variables in the resource part. */
function resourcePatterns(rng, arn) {
  const colon = arn.lastIndexOf(':')
  const head = arn.slice(0, colon + 1)
  const tail = arn.slice(colon + 1)
  const cut = Math.max(1, Math.floor(tail.length / 2))
  const options = [
    arn,
    '*',
    `${head}${tail.slice(0, cut)}*`,
    `${head}*`,
    `${head}${tail.slice(0, cut)}?${tail.slice(cut + 1)}`,
    arn.replace(/eu-west-1/, '*').replace(/:\d{12}:/, ':*:'),
    arn.replace('alice', '${aws:username}'),
    arn.replace('orders', '${aws:PrincipalTag/team}'),
    arn.replace('orders', "${aws:PrincipalTag/project, 'orders'}"),
    `${head}${tail}\${*}`,
    rng.pick([
      'arn:aws:s3:::reports-bucket/*',
      'arn:aws:s3:::other-bucket/*',
      `arn:aws:sqs:*:${HOME}:orders-*`,
      'arn:aws:ec2:*:*:instance/*',
      `arn:aws:iam::${OTHER}:role/*`,
      'arn:aws:s3:::reports-bucket/home/${aws:username}/*'
    ])
  ]
  return rng.pick(options)
}

// ---------------------------------------------------------------------------------------
// Conditions: each family knows its keys, the values a request carries and the values a
// policy compares them with, so that conditions often match and often just miss.

const IPV4 = ['203.0.113.7', '198.51.100.20', '10.1.2.3']
const IPV6 = ['2001:db8::5', '2001:db8:1::9']
const DATES = [
  '2026-06-01T12:00:00Z',
  '2026-06-01T12:00:00.000Z',
  '2026-06-01',
  '2026-06-01T14:00:00+02:00',
  '2026-05-31T23:59:59Z',
  '2027-01-01T00:00:00Z'
]
const EPOCHS = ['1780315200', '1780315199', '1780315201', '1700000000']

/** Request values of the `place` family's keys (lowercased), and patterns for `*Like`. */
const PLACES = {
  'aws:sourcevpce': ['vpce-1a2b3c4d', 'vpce-0f0f0f0f'],
  'aws:principalorgid': ['o-a1b2c3d4e5', 'o-zzzzzzzzzz'],
  'aws:resourcetag/team': ['data', 'web'],
  'aws:requestedregion': ['eu-west-1', 'us-east-1'],
  'aws:sourceaccount': [HOME, OTHER]
}
const PLACE_PATTERNS = {
  'aws:sourcevpce': ['vpce-1*'],
  'aws:principalorgid': ['o-a1*'],
  'aws:resourcetag/team': ['d*'],
  'aws:requestedregion': ['eu-*'],
  'aws:sourceaccount': ['1111*']
}

const FAMILIES = {
  string: {
    keys: ['aws:PrincipalTag/team', 'aws:RequestTag/env', 'aws:username', 'aws:userid'],
    operators: ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'],
    request: (rng) => rng.pick(['data', 'Data', 'web', 'alice', 'AIDA1234', 'prod']),
    policy: (rng, op) =>
      op.includes('Like')
        ? rng.pick(['d*', 'D?ta', '*a*', 'web', '${aws:username}', 'pr*d', '${*}', 'a*${aws:PrincipalTag/team}'])
        : rng.pick(['data', 'Data', 'web', 'alice', '${aws:username}', '${aws:PrincipalTag/team}', "${aws:PrincipalTag/project, 'data'}", 'prod'])
  },
  numeric: {
    // aws:MultiFactorAuthAge is global: the normalisation keeps it for every action, unlike
    // s3:max-keys and ec2:VolumeSize.
    keys: ['s3:max-keys', 'ec2:VolumeSize', 'aws:MultiFactorAuthAge'],
    operators: ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'],
    request: (rng) => rng.pick(['10', '100', '1000', '7.5', '0']),
    policy: (rng) => rng.pick(['10', '100', '50.5', '-1', '10.0', '1000'])
  },
  date: {
    keys: ['aws:CurrentTime', 'aws:TokenIssueTime'],
    operators: ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'],
    request: (rng) => rng.pick(DATES),
    policy: (rng) => (rng.chance(0.8) ? rng.pick(DATES) : rng.pick(EPOCHS))
  },
  epoch: {
    keys: ['aws:EpochTime'],
    operators: ['DateEquals', 'DateLessThan', 'DateGreaterThanEquals', 'NumericLessThan', 'NumericGreaterThan'],
    request: (rng) => rng.pick(EPOCHS),
    policy: (rng) => (rng.chance(0.7) ? rng.pick(EPOCHS) : rng.pick(DATES))
  },
  bool: {
    keys: ['aws:MultiFactorAuthPresent', 'aws:SecureTransport', 'aws:ViaAWSService'],
    operators: ['Bool'],
    request: (rng) => rng.pick(['true', 'false']),
    policy: (rng) => rng.pick(['true', 'false', true, false, 'True'])
  },
  binary: {
    keys: ['aws:RequestTag/blob'],
    operators: ['BinaryEquals'],
    request: (rng) => rng.pick(['QmluYXJ5VmFsdWU=', 'T3RoZXI=']),
    policy: (rng) => rng.pick(['QmluYXJ5VmFsdWU=', 'T3RoZXI=', 'qmluyxj5vmfsdwu='])
  },
  ip: {
    keys: ['aws:SourceIp'],
    operators: ['IpAddress', 'NotIpAddress'],
    request: (rng) => (rng.chance(0.7) ? rng.pick(IPV4) : rng.pick(IPV6)),
    policy: (rng) => rng.pick(['203.0.113.0/24', '198.51.100.20/32', '10.0.0.0/8', '2001:db8::/32', '2001:db8:1::/48', '203.0.113.7', '0.0.0.0/0'])
  },
  arn: {
    keys: ['aws:SourceArn', 'aws:PrincipalArn'],
    operators: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'],
    request: (rng) =>
      rng.pick([
        `arn:aws:sns:eu-west-1:${HOME}:alerts`,
        'arn:aws:s3:::logs-bucket',
        `arn:aws:lambda:eu-west-1:${OTHER}:function:app-other`,
        `arn:aws:iam::${HOME}:role/Deployer`
      ]),
    policy: (rng) =>
      rng.pick([
        `arn:aws:sns:*:${HOME}:*`,
        `arn:aws:sns:eu-west-1:${HOME}:alerts`,
        'arn:aws:s3:::logs-*',
        'arn:aws:lambda:eu-west-1:*:function:app-*',
        `arn:aws:iam::${HOME}:role/*`,
        'arn:aws:sns:eu-west-1:${aws:PrincipalAccount}:alerts',
        'arn:aws:*:*:*:*',
        '*'
      ])
  },
  place: {
    // Global keys of where a request comes from and what it is about, each with its own values.
    keys: ['aws:SourceVpce', 'aws:PrincipalOrgID', 'aws:ResourceTag/team', 'aws:RequestedRegion', 'aws:SourceAccount'],
    operators: ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike', 'StringEqualsIgnoreCase'],
    request: (rng, _op, key) => rng.pick(PLACES[key.toLowerCase()]),
    policy: (rng, op, key) => rng.pick([...PLACES[key.toLowerCase()], ...(op.includes('Like') ? PLACE_PATTERNS[key.toLowerCase()] : [])])
  },
  calledVia: {
    keys: ['aws:CalledVia'],
    operators: ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike'],
    multivalued: true,
    request: (rng) => rng.pick(['athena.amazonaws.com', 'cloudformation.amazonaws.com', 'dynamodb.amazonaws.com']),
    policy: (rng, op) =>
      op.includes('Like') ? rng.pick(['athena.*', '*.amazonaws.com', 'cloud*']) : rng.pick(['athena.amazonaws.com', 'cloudformation.amazonaws.com'])
  },
  tags: {
    keys: ['aws:TagKeys', 'aws:PrincipalServiceNamesList'],
    operators: ['StringEquals', 'StringNotEquals', 'StringLike', 'StringNotLike', 'StringEqualsIgnoreCase'],
    multivalued: true,
    request: (rng) => rng.pick(['team', 'env', 'cost-center', 'Owner']),
    policy: (rng, op) => (op.includes('Like') ? rng.pick(['team', 'cost-*', 'o*', 'e?v']) : rng.pick(['team', 'env', 'owner', 'cost-center']))
  }
}

/** A condition block of 1-3 clauses (operators and keys ANDed, values ORed). */
function conditionBlock(rng, used) {
  const block = {}
  const clauses = 1 + rng.below(3)
  for (let i = 0; i < clauses; i++) {
    const familyName = rng.pick(Object.keys(FAMILIES))
    const family = FAMILIES[familyName]
    let op = rng.pick(family.operators)
    const qualifier = family.multivalued ? rng.pick(['ForAllValues:', 'ForAnyValue:', 'ForAnyValue:', '']) : rng.chance(0.08) ? rng.pick(['ForAllValues:', 'ForAnyValue:']) : ''
    if (rng.chance(0.15)) op += 'IfExists'
    let operator = qualifier + op
    if (rng.chance(0.07)) operator = 'Null'
    let key = rng.pick(family.keys)
    if (rng.chance(0.1)) key = key.toLowerCase()
    used.add(familyName)
    const values =
      operator === 'Null'
        ? [rng.pick(['true', 'false', true])]
        : Array.from({ length: 1 + rng.below(3) }, () => family.policy(rng, op, key))
    block[operator] = block[operator] ?? {}
    block[operator][key] = values.length === 1 && rng.chance(0.5) ? values[0] : values
  }
  return block
}

/** The context of a request: the caller's own keys, then keys for the families in use. */
function requestContext(rng, caller, families) {
  const context = {}
  if (caller.account !== undefined) {
    context['aws:PrincipalArn'] = caller.role ?? caller.principal
    context['aws:PrincipalAccount'] = caller.account
    if (caller.username) context['aws:username'] = caller.username
    context['aws:userid'] = rng.pick(['AIDA1234', 'AROA5678:alice-session'])
    if (rng.chance(0.7)) context['aws:PrincipalTag/team'] = rng.pick(['data', 'Data', 'web'])
    if (rng.chance(0.3)) context['aws:PrincipalTag/project'] = rng.pick(['orders', 'billing'])
  }
  for (const name of families) {
    const family = FAMILIES[name]
    for (const key of family.keys) {
      if (!rng.chance(0.75)) continue
      if (family.multivalued) {
        const n = rng.below(4)
        context[key] = Array.from({ length: n }, () => family.request(rng, undefined, key))
      } else {
        context[key] = family.request(rng, undefined, key)
      }
    }
  }
  // Now and then the same key spelled in another case, or a single-valued key given as a list.
  if (rng.chance(0.05) && context['aws:PrincipalTag/team']) {
    context['AWS:PRINCIPALTAG/TEAM'] = context['aws:PrincipalTag/team']
    delete context['aws:PrincipalTag/team']
  }
  if (rng.chance(0.04)) {
    const key = rng.pick(Object.keys(context))
    if (typeof context[key] === 'string') context[key] = [context[key]]
  }
  return context
}

// ---------------------------------------------------------------------------------------
// Policies and cases

function statement(rng, request, used, principalFor) {
  const s = { Effect: rng.chance(0.72) ? 'Allow' : 'Deny' }
  const actions = Array.from({ length: 1 + rng.below(3) }, () => actionPatterns(rng, request.action))
  s[rng.chance(0.12) ? 'NotAction' : 'Action'] = actions.length === 1 ? actions[0] : actions
  if (principalFor) Object.assign(s, principalFor(rng))
  if (!principalFor || rng.chance(0.9)) {
    const resources = Array.from({ length: 1 + rng.below(2) }, () => resourcePatterns(rng, request.resource_arn))
    s[rng.chance(0.1) ? 'NotResource' : 'Resource'] = resources.length === 1 ? resources[0] : resources
  }
  if (rng.chance(0.55)) s.Condition = conditionBlock(rng, used)
  return s
}

function policy(rng, request, used, principalFor, statements = 1 + rng.below(3)) {
  const out = {
    Version: '2012-10-17',
    Statement: Array.from({ length: statements }, () => statement(rng, request, used, principalFor))
  }
  // Now and then the policy language of before 2012-10-17, where variables are text.
  if (rng.chance(0.08)) {
    if (rng.chance(0.5)) delete out.Version
    else out.Version = '2008-10-17'
  }
  return out
}

/** The Principal or NotPrincipal of a resource-based statement. */
function principalElement(caller) {
  return (rng) => {
    const own = caller.kind === 'service' ? `arn:aws:iam::${HOME}:root` : caller.principal
    const aws = rng.pick([
      '*',
      own,
      own,
      caller.role ?? own,
      caller.account ?? HOME,
      `arn:aws:iam::${caller.account ?? HOME}:root`,
      `arn:aws:iam::${OTHER === caller.account ? HOME : OTHER}:root`,
      [own, `arn:aws:iam::${OTHER}:user/mallory`]
    ])
    const element = rng.chance(0.1) ? { Service: rng.pick(['sns.amazonaws.com', 'events.amazonaws.com']) } : aws === '*' && rng.chance(0.5) ? '*' : { AWS: aws }
    return rng.chance(0.1) ? { NotPrincipal: element } : { Principal: element }
  }
}

/** An SCP or RCP level: the full-access Allow (usually) and guardrails. */
const RCP_FULL_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] }

function isRcpFullAccess(policy) {
  return JSON.stringify(policy) === JSON.stringify(RCP_FULL_ACCESS)
}

function controlLevel(rng, request, used, rcp) {
  const statements = []
  if (!rcp && rng.chance(0.85)) statements.push({ Effect: 'Allow', Action: '*', Resource: '*' })
  const extra = rng.below(3)
  for (let i = 0; i < extra; i++) {
    const s = statement(rng, request, used, rcp ? () => ({ Principal: '*' }) : undefined)
    if (rcp) {
      // RCP grammar: only Deny (the Allow is RCPFullAWSAccess), no NotAction, no `*` action.
      s.Effect = 'Deny'
      const actions = asList(s.Action ?? s.NotAction).filter((a) => a !== '*')
      delete s.NotAction
      s.Action = actions.length ? actions : request.action
    }
    if (!s.Resource && !s.NotResource) s.Resource = '*'
    statements.push(s)
  }
  if (rcp) {
    // AWS attaches RCPFullAWSAccess to every level and it cannot be detached.
    return statements.length ? [RCP_FULL_ACCESS, { Version: '2012-10-17', Statement: statements }] : [RCP_FULL_ACCESS]
  }
  return [{ Version: '2012-10-17', Statement: statements.length ? statements : [{ Effect: 'Allow', Action: '*', Resource: '*' }] }]
}

function makeCase(rng, id) {
  const caller = rng.pick(CALLERS)
  const resourceAccount = caller.kind === 'service' ? HOME : rng.chance(0.7) ? caller.account : caller.account === HOME ? OTHER : HOME
  const resource = rng.pick(resourcesFor(resourceAccount))
  const request = {
    principal: caller.principal,
    action: rng.pick(resource.actions),
    resource_arn: resource.arn,
    resource_account: resourceAccount
  }
  const used = new Set()
  const service = caller.kind === 'service'
  // The root user holds no identity-based policies, boundary or session policy.
  const root = caller.kind === 'root'
  const identity = service || root ? [] : Array.from({ length: rng.below(3) + (rng.chance(0.8) ? 1 : 0) }, () => policy(rng, request, used))
  const resourcePolicy = service || rng.chance(0.5) ? policy(rng, request, used, principalElement(caller)) : null
  const boundary = !service && !root && rng.chance(0.25) ? [policy(rng, request, used)] : null
  const session = (caller.kind === 'session' || caller.kind === 'federated') && rng.chance(0.3) ? policy(rng, request, used) : null
  const scps = !service && rng.chance(0.3) ? Array.from({ length: 1 + rng.below(3) }, () => controlLevel(rng, request, used, false)) : []
  const rcps = rng.chance(0.15) ? Array.from({ length: 1 + rng.below(2) }, () => controlLevel(rng, request, used, true)) : []
  return {
    id,
    identity,
    resource: resourcePolicy,
    boundary,
    session,
    scps,
    rcps,
    ...request,
    context: requestContext(rng, caller, used)
  }
}

// ---------------------------------------------------------------------------------------
// The two evaluators

const THEIRS = { Allowed: 'allow', ExplicitlyDenied: 'explicit-deny', ImplicitlyDenied: 'implicit-deny' }

/**
 * iam-simulate has no notion of the root user's default access ("By default, all requests
 * are implicitly denied with the exception of the AWS account root user, which has full
 * access."), which iamlint's evaluator models. Their side gets it as an identity policy that
 * allows everything, so that root cases keep testing what both model: SCPs, RCPs, explicit
 * denies, principals named by account, cross-account resource policies.
 */
const ROOT_FULL_ACCESS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }

function simulation(c) {
  const named = (prefix) => (policy, i) => ({ name: `${prefix}${i}`, policy })
  const root = callerKind(c) === 'root' ? [{ name: 'root-full-access', policy: ROOT_FULL_ACCESS }] : []
  return {
    request: {
      principal: c.principal,
      action: c.action,
      resource: { resource: c.resource_arn, accountId: c.resource_account },
      contextVariables: c.context
    },
    identityPolicies: [...c.identity.map(named('identity')), ...root],
    serviceControlPolicies: c.scps.map((level, i) => ({ orgIdentifier: `ou-${i}`, policies: level.map(named(`scp${i}-`)) })),
    // runSimulation adds RCPFullAWSAccess to every level itself, as AWS does; the cases
    // carry it explicitly for our side, so it is left out here.
    resourceControlPolicies: c.rcps.map((level, i) => ({
      orgIdentifier: `ou-${i}`,
      policies: level.filter((p) => !isRcpFullAccess(p)).map(named(`rcp${i}-`))
    })),
    resourcePolicy: c.resource ?? undefined,
    sessionPolicy: c.session ?? undefined,
    permissionBoundaryPolicies: c.boundary ? c.boundary.map(named('boundary')) : undefined
  }
}

async function theirs(c) {
  try {
    const result = await runSimulation(simulation(c), {})
    if (result.resultType === 'error') return `error: ${result.errors.message}`
    return THEIRS[result.overallResult] ?? `error: ${result.overallResult}`
  } catch (e) {
    return `error: ${e.message}`
  }
}

/** The request context as runSimulation normalizes it (see the import above). */
async function normalizedContext(c) {
  const { validContextValues } = await normalizeSimulationParameters(simulation(c), undefined)
  return validContextValues
}

/** Our decisions for many cases at once: one run of the example binary. */
function ours(cases) {
  const input = cases.map((c) => JSON.stringify(c)).join('\n') + '\n'
  const run = spawnSync(args.ours, [], { input, maxBuffer: 1 << 30, encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`${args.ours} failed: ${run.stderr}`)
  const lines = run.stdout.split('\n').filter((l) => l.length > 0)
  if (lines.length !== cases.length) throw new Error(`expected ${cases.length} decisions, got ${lines.length}`)
  return lines
}

// ---------------------------------------------------------------------------------------
// Shrinking: every one-step simplification of a case, tried in rounds over all the
// disagreements at once (one run of ours per round), keeping the first that still
// disagrees the same way.

function clone(x) {
  return JSON.parse(JSON.stringify(x))
}

function asList(value) {
  return Array.isArray(value) ? value : [value]
}

/** Every policy of a case, with a way to replace or remove it. */
function policySlots(c) {
  const slots = []
  c.identity.forEach((_, i) => slots.push({ get: (k) => k.identity[i], remove: (k) => k.identity.splice(i, 1) }))
  if (c.resource) slots.push({ get: (k) => k.resource, remove: (k) => (k.resource = null) })
  if (c.boundary) slots.push({ get: (k) => k.boundary[0], remove: (k) => (k.boundary = null) })
  if (c.session) slots.push({ get: (k) => k.session, remove: (k) => (k.session = null) })
  for (const field of ['scps', 'rcps']) {
    c[field].forEach((level, i) =>
      level.forEach((_, j) => slots.push({ get: (k) => k[field][i][j], remove: (k) => k[field].splice(i, 1) }))
    )
  }
  return slots
}

function simplifications(c) {
  const out = []
  const variant = (change) => {
    const k = clone(c)
    if (change(k) !== false) out.push(k)
  }
  for (const slot of policySlots(c)) {
    variant((k) => slot.remove(k))
    const statements = asList(slot.get(c).Statement)
    statements.forEach((s, si) => {
      if (statements.length > 1) variant((k) => void (slot.get(k).Statement = asList(slot.get(k).Statement).filter((_, x) => x !== si)))
      const fix = (k, f) => {
        slot.get(k).Statement = asList(slot.get(k).Statement)
        f(slot.get(k).Statement[si])
      }
      for (const field of ['Action', 'NotAction', 'Resource', 'NotResource']) {
        if (Array.isArray(s[field]) && s[field].length > 1) {
          s[field].forEach((_, vi) => variant((k) => fix(k, (t) => (t[field] = t[field].filter((_, x) => x !== vi)))))
        }
        if (typeof s[field] === 'string' && s[field] !== '*' && field.startsWith('Not') === false) {
          variant((k) => fix(k, (t) => (t[field] = '*')))
        }
      }
      if (s.Resource === undefined && s.NotResource === undefined && !s.Principal && !s.NotPrincipal) {
        variant((k) => fix(k, (t) => (t.Resource = '*')))
      }
      for (const [op, keys] of Object.entries(s.Condition ?? {})) {
        variant((k) => fix(k, (t) => {
          delete t.Condition[op]
          if (Object.keys(t.Condition).length === 0) delete t.Condition
        }))
        for (const [key, values] of Object.entries(keys)) {
          if (Object.keys(keys).length > 1) variant((k) => fix(k, (t) => delete t.Condition[op][key]))
          if (Array.isArray(values) && values.length > 1) {
            values.forEach((_, vi) => variant((k) => fix(k, (t) => (t.Condition[op][key] = values.filter((_, x) => x !== vi)))))
          }
        }
      }
    })
  }
  for (const [key, value] of Object.entries(c.context)) {
    variant((k) => delete k.context[key])
    if (Array.isArray(value) && value.length > 0) {
      value.forEach((_, vi) => variant((k) => (k.context[key] = value.filter((_, x) => x !== vi))))
    }
  }
  return out
}

async function shrink(disagreements) {
  for (const d of disagreements) d.minimal = d.case
  let open = [...disagreements]
  for (let round = 0; round < 200 && open.length > 0; round++) {
    const candidates = open.map((d) => simplifications(d.minimal))
    const flat = candidates.flat()
    if (flat.length === 0) break
    const ourDecisions = ours(flat)
    let at = 0
    const stillOpen = []
    for (const [i, d] of open.entries()) {
      let found = null
      for (const candidate of candidates[i]) {
        const mine = ourDecisions[at++]
        if (found) continue
        if (mine === d.ours && (await theirs(candidate)) === d.theirs) found = candidate
      }
      if (found) {
        d.minimal = found
        stillOpen.push(d)
      }
    }
    open = stillOpen
  }
}

// ---------------------------------------------------------------------------------------
// Classes: what remains in a minimal case says what the two evaluators disagree about.

function callerKind(c) {
  return CALLERS.find((x) => x.principal === c.principal)?.kind ?? 'other'
}

function contextState(c, key) {
  const found = Object.keys(c.context).find((k) => k.toLowerCase() === key.toLowerCase())
  if (found === undefined) return 'missing'
  const v = c.context[found]
  if (Array.isArray(v)) return v.length === 0 ? 'empty list' : `list of ${v.length}`
  return 'string'
}

/** Every statement of a case with its policy's role. */
function statements(c) {
  const out = []
  for (const p of c.identity) for (const s of asList(p.Statement)) out.push(s)
  if (c.resource) for (const s of asList(c.resource.Statement)) out.push(s)
  for (const p of c.boundary ?? []) for (const s of asList(p.Statement)) out.push(s)
  if (c.session) for (const s of asList(c.session.Statement)) out.push(s)
  for (const p of [...c.scps.flat(), ...c.rcps.flat()]) for (const s of asList(p.Statement)) out.push(s)
  return out
}

/** Every condition clause of a case: operator, key, policy values, request value. */
function clauses(c) {
  const out = []
  for (const s of statements(c)) {
    for (const [op, keys] of Object.entries(s.Condition ?? {})) {
      for (const [key, values] of Object.entries(keys)) {
        const found = Object.keys(c.context).find((k) => k.toLowerCase() === key.toLowerCase())
        out.push({ op, key, values: asList(values).map(String), request: found === undefined ? undefined : c.context[found] })
      }
    }
  }
  return out
}

const isEpoch = (v) => /^\d+$/.test(v)

/**
 * The known causes of disagreement, each recognised from what remains in a minimal case
 * (docs/difftest.md explains each one, with the AWS documentation that decides it).
 */
const CAUSES = [
  {
    // iam-simulate splits ARNs at every colon, also inside `${aws:...}`.
    id: 'variable-with-colon-in-arn',
    verdict: 'iam-simulate: it splits an ARN at the colon inside `${aws:...}`',
    test: (c) =>
      statements(c).some((s) =>
        asList(s.Resource ?? s.NotResource ?? []).some((r) => {
          const parts = String(r).split(':')
          const resource = parts.slice(5).join(':')
          return parts[2] !== 's3' && /^[^/:]*\$\{[^}]*:/.test(resource)
        })
      ) || clauses(c).some((k) => /Arn/.test(k.op) && k.values.some((v) => /\$\{[^}]*:/.test(v)))
  },
  { id: 'ip-zero-prefix', verdict: 'iam-simulate: `0.0.0.0/0` does not contain every IPv4 address in it', test: (c) => clauses(c).some((k) => /IpAddress/.test(k.op) && k.values.some((v) => /\/0$/.test(v))) },
  {
    id: 'ip-bare-address-other-family',
    verdict: 'iam-simulate: a bare address of the other family fails NotIpAddress, unlike a CIDR',
    test: (c) =>
      clauses(c).some(
        (k) =>
          /IpAddress/.test(k.op) &&
          typeof k.request === 'string' &&
          k.values.some((v) => !v.includes('/') && v.includes(':') !== k.request.includes(':'))
      )
  },
  {
    id: 'date-epoch-and-iso',
    verdict: 'iam-simulate: it compares epoch seconds with ISO 8601 dates in milliseconds',
    test: (c) =>
      clauses(c).some(
        (k) => /Date/.test(k.op) && k.request !== undefined && asList(k.request).some((r) => k.values.some((v) => isEpoch(v) !== isEpoch(r)))
      )
  },
  {
    id: 'numeric-not-a-number',
    verdict: 'iam-simulate: it reads the numeric prefix of a policy value that is not a number (`2026-05-31T...` as 2026)',
    test: (c) => clauses(c).some((k) => /Numeric/.test(k.op) && k.values.some((v) => !/^-?\d+(\.\d+)?$/.test(v)))
  },
  {
    // The NotPrincipal page: Deny "to all principals except for the ones specified"; its
    // examples list the account (and the role) next to the user (the session) they leave out.
    id: 'not-principal-account-or-role',
    verdict: 'iam-simulate: a NotPrincipal that names the caller\'s account or role leaves the caller out',
    test: (c) => {
      const caller = CALLERS.find((x) => x.principal === c.principal)
      if (!caller?.account) return false
      const names = new Set([caller.account, `arn:aws:iam::${caller.account}:root`, caller.role].filter(Boolean))
      return statements(c).some((s) => {
        if (s.NotPrincipal === undefined || typeof s.NotPrincipal === 'string') return false
        const listed = asList(s.NotPrincipal.AWS ?? []).map(String)
        return !listed.includes(caller.principal) && listed.some((v) => names.has(v))
      })
    }
  },
  {
    // "Variables and tags": without Version 2012-10-17 variables are literal strings.
    id: 'variables-without-version',
    verdict: 'iam-simulate: it replaces policy variables in a policy without `Version: 2012-10-17`',
    test: (c) => policySlots(c).some((slot) => {
      const p = slot.get(c)
      return p.Version !== '2012-10-17' && JSON.stringify(p).includes('${')
    })
  },
  {
    // "Policy evaluation logic": permissions granted directly to a session "are not limited
    // by an implicit deny in an identity-based policy, a permissions boundary, or session policy".
    id: 'session-policy-direct-grant',
    verdict: 'iam-simulate: a session policy limits a resource policy\'s grant to the session itself',
    test: (c) =>
      c.session !== null &&
      c.session !== undefined &&
      c.resource !== null &&
      asList(c.resource.Statement).some((s) => {
        if (s.Effect !== 'Allow') return false
        if (s.NotPrincipal !== undefined) return true
        const p = s.Principal
        return p === '*' || asList(p?.AWS ?? []).some((v) => v === '*' || v === c.principal)
      })
  }
]

function cause(c) {
  return CAUSES.find((x) => x.test(c))?.id
}

function classify(c) {
  const parts = []
  for (const slot of policySlots(c)) {
    for (const s of asList(slot.get(c).Statement)) {
      for (const [op, keys] of Object.entries(s.Condition ?? {})) {
        for (const [key, values] of Object.entries(keys)) {
          const variable = asList(values).some((v) => String(v).includes('${')) ? ' with a policy variable' : ''
          parts.push(`${op} on ${contextState(c, key)} key${variable}`)
        }
      }
      if (s.Principal !== undefined || s.NotPrincipal !== undefined) {
        const element = s.Principal ?? s.NotPrincipal
        const name = s.Principal !== undefined ? 'Principal' : 'NotPrincipal'
        const values = typeof element === 'string' ? ['*'] : Object.entries(element).flatMap(([t, v]) => asList(v).map((x) => `${t}:${x}`))
        const kinds = values.map((v) =>
          v === '*' || v === 'AWS:*' ? '*' : /:root$/.test(v) || /^AWS:\d{12}$/.test(v) ? 'account' : v.startsWith('Service:') ? 'service' : /:role\//.test(v) ? 'role ARN' : /:assumed-role\//.test(v) ? 'session ARN' : 'user ARN'
        )
        parts.push(`${s.Effect} ${name} ${[...new Set(kinds)].join('+')}`)
      }
      if (s.NotAction !== undefined) parts.push(`${s.Effect} NotAction`)
      if (s.NotResource !== undefined) parts.push(`${s.Effect} NotResource`)
    }
  }
  const shape = [
    c.identity.length ? 'identity' : null,
    c.resource ? 'resource policy' : null,
    c.boundary ? 'boundary' : null,
    c.session ? 'session policy' : null,
    c.scps.length ? 'SCPs' : null,
    c.rcps.length ? 'RCPs' : null
  ].filter(Boolean)
  const account = callerKind(c) === 'service' ? 'service caller' : c.resource_account === CALLERS.find((x) => x.principal === c.principal)?.account ? 'same account' : 'cross-account'
  return `${[...new Set(parts)].sort().join('; ') || 'no condition or principal'} | ${shape.join(' + ') || 'no policy'} | ${callerKind(c)}, ${account}`
}

// ---------------------------------------------------------------------------------------
// Run

const rng = generator(seed)
const cases = []
for (let i = 0; i < caseCount; i++) {
  const c = makeCase(rng, i)
  c.context = await normalizedContext(c)
  cases.push(c)
}
const ourDecisions = ours(cases)
const disagreements = []
const tally = {}
for (const [i, c] of cases.entries()) {
  const mine = ourDecisions[i]
  const other = await theirs(c)
  tally[mine] = (tally[mine] ?? 0) + 1
  if (mine !== other) disagreements.push({ case: c, ours: mine, theirs: other })
}
await shrink(disagreements)

const classes = new Map()
let explained = 0
for (const d of disagreements) {
  const known = cause(d.minimal)
  explained += known ? 1 : 0
  const label = known ?? `unexplained: ours ${d.ours}, theirs ${d.theirs}: ${classify(d.minimal)}`
  const entry = classes.get(label) ?? { count: 0, example: d.minimal }
  entry.count++
  if (JSON.stringify(d.minimal).length < JSON.stringify(entry.example).length) entry.example = d.minimal
  classes.set(label, entry)
}

const agree = cases.length - disagreements.length
console.log(`# difftest: seed ${seed}, ${cases.length} cases`)
console.log()
console.log(`agreement: ${agree} / ${cases.length} (${((100 * agree) / cases.length).toFixed(2)}%)`)
console.log(`our decisions: ${Object.entries(tally).map(([k, v]) => `${k} ${v}`).join(', ')}`)
console.log(`disagreements: ${disagreements.length} in ${classes.size} classes, ${explained} of them in a known class`)
for (const [label, { count, example }] of [...classes].sort((a, b) => b[1].count - a[1].count)) {
  console.log()
  const verdict = CAUSES.find((x) => x.id === label)?.verdict
  console.log(`## ${count} × ${label}`)
  if (verdict) console.log(`verdict: ${verdict}`)
  const shown = { ...example }
  delete shown.id
  console.log('```json')
  console.log(JSON.stringify(shown))
  console.log('```')
}
if (args.out) {
  writeFileSync(args.out, disagreements.map((d) => JSON.stringify(d)).join('\n') + '\n')
}
process.exitCode = explained === disagreements.length ? 0 : 1

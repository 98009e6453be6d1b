/**
 * Who is calling: caller identity and access rules for the platform's gRPC services.
 *
 * Every staff call carries the acting person as an EdDSA (Ed25519) JWT in `authorization: Bearer <jwt>` metadata,
 * minted by whoever authenticated the person (the gateway; a test; a script of the embedded start). Calls between
 * services carry a service token the same way. Each service verifies tokens against a trusted-keys file, where
 * every key says what it may assert (`staff`, `service:<name>`, `service:*`), so a leaked service key cannot mint
 * staff tokens.
 *
 * How a service uses it:
 * ```ts
 * // main.ts: load the keys once (files mounted from Kubernetes Secrets, or ensureDevelopmentKeys in embedded mode)
 * const verifier = createTokenVerifier({ trustedKeys: await loadTrustedKeys(env.TRUSTED_KEYS_FILE) });
 * const signer = createTokenSigner({ ...(await loadSigningKey(env.SIGNING_KEY_FILE)), issuer: 'case' });
 *
 * // Each method declares who may call it:
 * const access = {
 *   GetCase: Access.staff(),
 *   ApproveCase: Access.staff({ anyRole: ['approver', 'principal_leader'] }),
 *   RecordPayment: Access.anyOf(Access.service('fee'), Access.staff({ anyRole: ['administrator'] })),
 * };
 *
 * // Per call (the kit's gRPC server does this for you): who is calling, and may they?
 * const actor = await actorFromMetadata(verifier, call.metadata);   // ANONYMOUS when no token; throws when bad
 * const decision = authorize(access.ApproveCase, actor);
 * if (!decision.allowed) { log.info({ rule: decision.rule }, 'refused'); throw decision.error; }
 * // The use case gets `actor` and checks department / hall / region itself.
 *
 * // Calling another service as this service:
 * client.getItem(request, metadata, { credentials: serviceCallCredentials(signer, 'case') }, callback);
 * ```
 * Refusals are `UnauthenticatedError` (no, bad or expired credentials → UNAUTHENTICATED) and
 * `PermissionDeniedError` (known caller without the right → PERMISSION_DENIED); their messages are short and
 * never echo token contents.
 */

export {
  ANONYMOUS,
  ACTOR_ID_PATTERN,
  ROLE_NAME_PATTERN,
  MAX_ROLES,
  actorLabel,
  type Actor,
  type StaffActor,
  type ServiceActor,
  type AnonymousActor,
} from './actor';
export { Access, authorize, describeAccess, type AccessRule, type AccessDecision } from './access';
export {
  TOKEN_AUDIENCE,
  DEFAULT_STAFF_TTL_SECONDS,
  DEFAULT_SERVICE_TTL_SECONDS,
  MAX_TOKEN_LENGTH,
  createTokenSigner,
  createTokenVerifier,
  type TokenClaims,
  type TokenSigner,
  type TokenSignerOptions,
  type TokenVerifier,
  type TokenVerifierOptions,
  type AuthenticatedActor,
} from './tokens';
export {
  KEY_ID_PATTERN,
  KeyMaterialError,
  parseTrustedKeys,
  loadTrustedKeys,
  mayAssert,
  type KeyGrant,
  type TrustedKey,
  type TrustedKeys,
  type TrustedKeyJwk,
  type TrustedKeysFile,
  type AssertedSubject,
} from './trusted-keys';
export {
  AUTHORIZATION_METADATA_KEY,
  actorFromMetadata,
  bearerInterceptor,
  serviceCallCredentials,
  type ServiceCallCredentialsOptions,
} from './grpc';
export {
  DEVELOPMENT_KEY_GRANTS,
  loadSigningKey,
  ensureDevelopmentKeys,
  trustedKeyEntry,
  type SigningKey,
  type DevelopmentKeys,
  type DevelopmentKeysOptions,
} from './keys';
// The applicant's query password (查询密码): intake issues it, case checks it; one format for both.
export {
  QUERY_PASSWORD_PATTERN,
  QUERY_PASSWORD_SCRYPT,
  generateQueryPassword,
  hashQueryPassword,
  queryPasswordNeedsRehash,
  validateQueryPassword,
  verifyQueryPassword,
} from './query-password';

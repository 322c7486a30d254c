// A real OpenID Connect provider (the `oidc-provider` package, which certifies against the OpenID
// conformance suite) for the end-to-end SSO test. Loopback only. Any login name signs in; the login
// name is the person's email. Usage: startIdp({ port, redirectUri }) -> { issuer, close }
import Provider from 'oidc-provider'

export async function startIdp({ port, redirectUri, clientId = 'kenshu', clientSecret = 'kenshu-e2e-secret' }) {
  const issuer = `http://localhost:${port}`
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    pkce: { required: () => true },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // Like Keycloak and Entra ID, put the requested claims (email, name) in the ID token itself.
    conformIdTokenClaims: false,
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Grant: 600, Interaction: 600, Session: 600 },
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: `sub-${id}`, email: id, email_verified: true, name: id.split('@')[0] }
        },
      }
    },
    // Consent is implied for this first-party client.
    loadExistingGrant: async (ctx) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId })
      grant.addOIDCScope('openid email profile')
      grant.addOIDCClaims(['email', 'email_verified', 'name'])
      await grant.save()
      return grant
    },
  })
  provider.proxy = false
  const server = provider.listen(port, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  return { issuer, clientId, clientSecret, close: () => new Promise((r) => server.close(r)) }
}

// A real OpenID provider for the tests (node-oidc-provider, from the project's package.json):
// node tests/oidc/provider.mjs PORT REDIRECT_URI CLIENT_SECRET, people as JSON in OIDC_PEOPLE
// ({"login": {"email": ..., "email_verified": true, "organisation": ..., "roles": [...]}}).
// Its development sign-in pages accept any password for a known login; that is what the tests drive in Chromium.
import Provider from 'oidc-provider';

const [port, redirect, secret] = process.argv.slice(2);
const people = JSON.parse(process.env.OIDC_PEOPLE || '{}');

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: 'transferhub',
    client_secret: secret,
    redirect_uris: [redirect],
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['organisation', 'roles'] },
  conformIdTokenClaims: false, // the requested claims travel in the ID token
  pkce: { required: () => true },
  cookies: { keys: ['nur-fuer-tests'] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const claims = people[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});
provider.listen(Number(port), '127.0.0.1', () => console.log('bereit'));

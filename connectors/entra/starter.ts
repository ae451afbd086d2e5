// The providers.entra block of `nhiscan init`'s starter config (commented out, valid once uncommented).
export const ENTRA_STARTER = `#  entra:
#    tenants: [contoso.onmicrosoft.com]          # tenant ids (GUIDs) or verified domains
#    auth:
#      type: clientSecret                         # or certificate, workloadIdentity, managedIdentity, default
#      clientId: 00000000-0000-0000-0000-000000000000
#      clientSecretEnv: NHISCAN_ENTRA_SECRET      # the secret itself stays in the environment
#    # cloud: usgov                               # public (default), usgov, usgovDod, china
`;

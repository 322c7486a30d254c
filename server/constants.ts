/** Shared with lib/auth/options.ts: set by the custom server from the socket address. */
export const CLIENT_ADDRESS_HEADER = 'x-kenshu-client-address'

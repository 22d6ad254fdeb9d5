import type { AccountLimitsConfig, LimitsConfig } from './schema.js';

/** An account's limits with its own values over the gateway-wide ones; `countries` resolved ("*" or a list, never empty). */
export type Limits = LimitsConfig;

export function limitsFor(gateway: LimitsConfig, own: AccountLimitsConfig | undefined, defaultCountry: string): Limits {
  const merged = ownOverGateway(gateway, own);
  const countries = merged.countries.length ? merged.countries : [defaultCountry];
  return { ...merged, countries: countries.includes('*') ? ['*'] : countries };
}

/** An account's own values over the gateway-wide ones, `countries` as configured (empty: the account's country; see limitsFor). */
export function ownOverGateway(gateway: LimitsConfig, own: AccountLimitsConfig | undefined): LimitsConfig {
  return { ...gateway, ...own, brake: { ...gateway.brake, ...own?.brake } };
}

/** Whether any account has a per-minute rate or a per-number cap: only then need the store keep the last hour's SMS per number. */
export function countsRecentSends(gateway: LimitsConfig, own: ReadonlyArray<AccountLimitsConfig | undefined>): boolean {
  const on = (l: AccountLimitsConfig | undefined) => (l?.messagesPerMinute ?? 0) > 0 || (l?.perNumberPerHour ?? 0) > 0;
  return on(gateway) || own.some((l) => on(ownOverGateway(gateway, l)));
}

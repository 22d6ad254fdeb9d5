import type { AccountLimitsConfig, LimitsConfig } from './schema.js';

/** An account's limits with its own values over the gateway-wide ones; `countries` resolved ("*" or a list, never empty). */
export type Limits = LimitsConfig;

export function limitsFor(gateway: LimitsConfig, own: AccountLimitsConfig | undefined, defaultCountry: string): Limits {
  const merged: Limits = { ...gateway, ...own, brake: { ...gateway.brake, ...own?.brake } };
  const countries = merged.countries.length ? merged.countries : [defaultCountry];
  return { ...merged, countries: countries.includes('*') ? ['*'] : countries };
}

/**
 * The facts routing reads of an SMS, the country among them from the number
 * plan. Apart from router.ts so that what only reads the routing table (the
 * configuration's checks, and with them every CLI command) does not load
 * libphonenumber, about 50 ms per run.
 */
import { countryOf } from '../sms/number.js';
import { kindsOf, type MessageFacts, type RoutedSms } from './router.js';

/**
 * What routing looks at, of a stored SMS or of one about to be. The country
 * is read from the number plan only when a rule or a message asks for it:
 * a libphonenumber parse is the dearest fact (~20 µs), and it was paid on
 * every acceptance and every attempt with no rule naming a country (2-3 %
 * of the event loop's samples in the bench).
 */
export function factsOf(m: RoutedSms): MessageFacts {
  let country: string | undefined | null = null;
  return {
    to: m.to, account: m.account, sender: m.sender, kinds: kindsOf(m),
    get country() {
      if (country === null) country = countryOf(m.to);
      return country;
    },
  };
}

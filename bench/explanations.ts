/** What the figures mean and why a target is or is not met; kept next to the table in RESULTS.md. */
export const EXPLANATIONS = `
(to be written from the measurements)
`;

// The low-balance sentence, shared by the banner (client) and the e-mail (server).
export function alertSentence(threshold: number, available: number, allowance: number) {
  if (threshold === 0) return "You have no credits left.";
  return `${available} credits left: below ${threshold}% of your ${allowance}-credit monthly allowance.`;
}

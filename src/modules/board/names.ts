/**
 * A person's name as shown to people who are not entitled to see it whole: the first character, then one star
 * per remaining character ('张三' → '张*', '欧阳娜娜' → '欧***'). Counts code points so that rare characters
 * outside the BMP are not split in half.
 */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

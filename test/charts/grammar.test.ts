import { describe, expect, it } from "vitest";
import { parseAdminCommand, YEAR_DAYS } from "../../core/admin/grammar.ts";

describe("/cx report periods", () => {
  it("reads 12m (and 1y, 52w, ۱۲ماه) as 52 whole weeks", () => {
    for (const period of ["12m", "12M", "12mo", "1y", "52w", "12ماه", "12ay"])
      expect(parseAdminCommand(`report nps ${period}`)).toEqual({
        ok: true,
        value: { name: "report", flow: "nps", days: YEAR_DAYS },
      });
    expect(YEAR_DAYS).toBe(364);
    expect(parseAdminCommand("report nps 13m")).toMatchObject({
      ok: false,
      error: { expected: "7d, 30d, 90d or 12m" },
    });
  });
});

"""The analyze result as a plain-text table, in the style of TequilaGAN's Table 1."""

from engine.errors import shown


def format_table(analysis):
    """Rows: compared sets; columns: n, intensity KS statistic and p-value, JSD, the KS statistic
    of the mean centroid and mean slope, and for music the violations and duration KS."""
    ref = analysis["reference"]
    music = any("violations" in r for r in analysis["results"])
    header = ["name", "n", "KS statistic", "p-value", "JSD", "centroid KS", "slope KS"]
    if music:
        header += ["violations", "durations KS"]
    rows = []
    for r in analysis["results"]:
        row = [shown(r["name"]), str(r["n"]), _num(r["intensity"]["ks_statistic"]), _num(r["intensity"]["ks_pvalue"]),
               _num(r["intensity"]["jsd"]), _num(r["centroid"]["mean"]["ks_statistic"]),
               _num(r["slope"]["mean"]["ks_statistic"])]
        if music:
            row += [str(r.get("violations", "-")), _num(r.get("durations", {}).get("ks_statistic"))]
        rows.append(row)
    widths = [max(len(line[i]) for line in [header] + rows) for i in range(len(header))]
    lines = [f"reference: {shown(ref['name'])} ({ref['modality']}, n={ref['n']})",
             "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(header, widths)))]
    lines += ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))
              for row in rows]
    return "\n".join(lines)


def _num(value):
    """Numbers as the paper prints them: six significant digits, '-' when undefined."""
    return "-" if value is None else f"{value:.6g}"

package io.multiarch.request;

import io.multiarch.platform.Platform;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compressed image size each platform may have: one budget for every platform and any per-platform ones (which
 * win), in bytes. Over its budget a platform fails, so that the gate withholds the publish, or, with
 * {@code warnOnly}, passes with a warning.
 *
 * @param all         the budget of every platform without one of its own, 0 for none
 * @param perPlatform budgets of single platforms
 */
public record SizeBudget(long all, Map<Platform, Long> perPlatform, boolean warnOnly) implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15}(?:\\.\\d{1,6})?)\\s*([a-zA-Z]{0,3})");
    private static final Map<String, Long> UNITS = Map.of("", 1L, "b", 1L, "kb", 1_000L, "mb", 1_000_000L,
            "gb", 1_000_000_000L, "kib", 1L << 10, "mib", 1L << 20, "gib", 1L << 30);

    /** No budget at all. */
    public static final SizeBudget NONE = new SizeBudget(0, Map.of(), false);

    public SizeBudget {
        perPlatform = Collections.unmodifiableMap(new LinkedHashMap<>(perPlatform));
    }

    /** The budget of {@code platform}, if any. */
    public OptionalLong forPlatform(Platform platform) {
        Long own = perPlatform.get(platform);
        if (own != null) {
            return OptionalLong.of(own);
        }
        return all > 0 ? OptionalLong.of(all) : OptionalLong.empty();
    }

    public boolean isEmpty() {
        return all <= 0 && perPlatform.isEmpty();
    }

    /**
     * A size as people write it: bytes ({@code 1500000}), decimal units ({@code 1.5MB}, {@code 200kB}, {@code 1GB}) or
     * binary ones ({@code 1.5MiB}, {@code 512KiB}, {@code 1GiB}); units in any case, at least 1 byte.
     */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.strip());
        Long unit = m.matches() ? UNITS.get(m.group(2).toLowerCase(Locale.ROOT)) : null;
        if (unit == null) {
            throw new IllegalArgumentException("not a size: a number with an optional unit B, kB, MB, GB (powers of 1000) "
                    + "or KiB, MiB, GiB (powers of 1024), e.g. 12MB or 1.5MiB");
        }
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        if (bytes.compareTo(BigDecimal.ONE) < 0 || bytes.compareTo(BigDecimal.valueOf(1L << 50)) > 0) {
            throw new IllegalArgumentException("must be at least 1 byte and at most 1 PiB");
        }
        return bytes.longValue();
    }

    /**
     * Budgets as written: {@code SIZE} for every platform, {@code PLATFORM=SIZE} for one of {@code platforms}; each
     * refusal named {@code sizeBudgets[i]}.
     */
    static SizeBudget parse(java.util.List<Violation> v, java.util.List<String> specs, boolean warnOnly,
                            java.util.List<Platform> platforms) {
        long all = 0;
        Map<Platform, Long> per = new LinkedHashMap<>();
        for (int i = 0; i < specs.size(); i++) {
            String field = "sizeBudgets[" + i + "]";
            String spec = specs.get(i);
            if (RawValues.isBad(v, field, spec, false)) {
                continue;
            }
            int eq = spec.indexOf('=');
            Platform p = null;
            if (eq >= 0) {
                try {
                    p = Platform.parse(spec.substring(0, eq).strip());
                } catch (IllegalArgumentException e) {
                    v.add(new Violation(field, spec, e.getMessage()));
                    continue;
                }
                if (!platforms.isEmpty() && !platforms.contains(p)) {
                    v.add(new Violation(field, spec, p + " is not one of the platforms " + platforms));
                    continue;
                }
            }
            long bytes;
            try {
                bytes = parseSize(spec.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                v.add(new Violation(field, spec, e.getMessage()));
                continue;
            }
            if (p == null ? all > 0 : per.containsKey(p)) {
                v.add(new Violation(field, spec, (p == null ? "a budget for every platform" : "a budget for " + p)
                        + " is given twice"));
            } else if (p == null) {
                all = bytes;
            } else {
                per.put(p, bytes);
            }
        }
        return all == 0 && per.isEmpty() ? NONE : new SizeBudget(all, per, warnOnly);
    }
}

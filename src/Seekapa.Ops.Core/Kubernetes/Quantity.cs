using System.Globalization;
using System.Numerics;
using Seekapa.Ops.Core.Errors;

namespace Seekapa.Ops.Core.Kubernetes;

/// <summary>How a quantity was written, which decides how it is written back (apimachinery's Format).</summary>
public enum QuantityFormat
{
    /// <summary>n, u, m, (none), k, M, G, T, P, E.</summary>
    DecimalSI,

    /// <summary>Ki, Mi, Gi, Ti, Pi, Ei.</summary>
    BinarySI,

    /// <summary>e3, E6, e-3.</summary>
    DecimalExponent,
}

/// <summary>
/// A Kubernetes resource quantity ("500m", "4Gi", "1e3") with the API server's parsing rules and its canonical
/// serialisation, so that what we send and compare is exactly what kubectl would send ("0.5" -> "500m", "4096Mi" -> "4Gi").
/// The value is held exactly, in nano units; like the API server, anything finer than 1n is rounded up (away from zero).
/// </summary>
public sealed class Quantity : IEquatable<Quantity>, IComparable<Quantity>
{
    private const int NanoDigits = 9;
    private static readonly BigInteger NanoPerUnit = BigInteger.Pow(10, NanoDigits);

    private Quantity(BigInteger nanos, QuantityFormat format)
    {
        Nanos = nanos;
        Format = format;
    }

    /// <summary>The value in units of 10^-9.</summary>
    public BigInteger Nanos { get; }

    public QuantityFormat Format { get; }

    public bool IsZero => Nanos.IsZero;

    public int Sign => Nanos.Sign;

    /// <summary>Parses a quantity or throws InvalidQuantity (the same inputs the API server rejects).</summary>
    public static Quantity Parse(string text, string? what = null)
    {
        if (TryParse(text, out var quantity, out var reason))
        {
            return quantity;
        }

        var subject = what is null ? string.Empty : $" for {what}";
        throw new SeekapaException("InvalidQuantity", FailureCategory.InvalidArgument,
            $"'{text}' is not a valid quantity{subject}: {reason}. Examples: 500m or 0.5 (CPU), 512Mi, 4Gi or 1G (memory).", text);
    }

    public static bool TryParse(string? text, out Quantity quantity) => TryParse(text, out quantity, out _);

    private static bool TryParse(string? text, out Quantity quantity, out string reason)
    {
        quantity = null!;
        reason = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
        if (string.IsNullOrEmpty(text))
        {
            reason = "the value is empty";
            return false;
        }

        if (!Scan(text, out var negative, out var whole, out var fraction, out var suffix))
        {
            return false;
        }

        if (!TryInterpretSuffix(suffix, out var radix, out var exponent, out var format))
        {
            reason = $"unknown suffix '{suffix}' (use n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei or e<N>)";
            return false;
        }

        // digits = whole.fraction as an integer scaled by 10^-fraction.Length.
        var digits = BigInteger.Parse(whole + fraction, NumberStyles.None, CultureInfo.InvariantCulture);
        BigInteger numerator;
        BigInteger denominator;
        if (radix == 2)
        {
            numerator = digits * BigInteger.Pow(2, exponent) * NanoPerUnit;
            denominator = BigInteger.Pow(10, fraction.Length);
        }
        else
        {
            var power = exponent + NanoDigits - fraction.Length;
            numerator = power >= 0 ? digits * BigInteger.Pow(10, power) : digits;
            denominator = power >= 0 ? BigInteger.One : BigInteger.Pow(10, -power);
        }

        // The API server rounds a non-zero value up to the smallest representable amount (1n) rather than to zero.
        var nanos = BigInteger.DivRem(numerator, denominator, out var remainder);
        if (!remainder.IsZero)
        {
            nanos += 1;
        }

        quantity = new Quantity(negative ? -nanos : nanos, format);
        return true;
    }

    /// <summary>apimachinery's scanner: sign, digits, optional '.', digits, suffix letters, optional signed exponent digits.</summary>
    private static bool Scan(string s, out bool negative, out string whole, out string fraction, out string suffix)
    {
        negative = false;
        whole = "0";
        fraction = string.Empty;
        suffix = string.Empty;
        var pos = 0;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            pos++;
        }

        var start = pos;
        while (pos < s.Length && char.IsAsciiDigit(s[pos]))
        {
            pos++;
        }

        var sawDigits = pos > start;
        if (sawDigits)
        {
            whole = s[start..pos];
        }

        if (pos < s.Length && s[pos] == '.')
        {
            pos++;
            var fractionStart = pos;
            while (pos < s.Length && char.IsAsciiDigit(s[pos]))
            {
                pos++;
            }

            fraction = s[fractionStart..pos];
            sawDigits |= fraction.Length > 0;
        }

        if (!sawDigits)
        {
            return false;
        }

        var suffixStart = pos;
        while (pos < s.Length && "eEinumkKMGTP".Contains(s[pos], StringComparison.Ordinal))
        {
            pos++;
        }

        if (pos < s.Length && s[pos] is '+' or '-')
        {
            pos++;
        }

        while (pos < s.Length && char.IsAsciiDigit(s[pos]))
        {
            pos++;
        }

        suffix = s[suffixStart..pos];
        return pos == s.Length;
    }

    private static bool TryInterpretSuffix(string suffix, out int radix, out int exponent, out QuantityFormat format)
    {
        radix = 10;
        format = QuantityFormat.DecimalSI;
        exponent = suffix switch
        {
            "" => 0,
            "n" => -9,
            "u" => -6,
            "m" => -3,
            "k" => 3,
            "M" => 6,
            "G" => 9,
            "T" => 12,
            "P" => 15,
            "E" => 18,
            _ => int.MinValue,
        };
        if (exponent != int.MinValue)
        {
            return true;
        }

        exponent = suffix switch
        {
            "Ki" => 10,
            "Mi" => 20,
            "Gi" => 30,
            "Ti" => 40,
            "Pi" => 50,
            "Ei" => 60,
            _ => int.MinValue,
        };
        if (exponent != int.MinValue)
        {
            radix = 2;
            format = QuantityFormat.BinarySI;
            return true;
        }

        if (suffix.Length > 1 && suffix[0] is 'e' or 'E' &&
            int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) &&
            exponent is > -1000 and < 1000)
        {
            format = QuantityFormat.DecimalExponent;
            return true;
        }

        return false;
    }

    /// <summary>The canonical form the API server stores and kubectl prints (Quantity.String in apimachinery).</summary>
    public override string ToString()
    {
        if (Nanos.IsZero)
        {
            return "0";
        }

        var format = Format;
        if (format == QuantityFormat.BinarySI)
        {
            // Binary suffixes are kept only for whole numbers of at least 1024; anything else would need rounding.
            var whole = BigInteger.DivRem(Nanos, NanoPerUnit, out var rest);
            if (BigInteger.Abs(Nanos) < 1024 * NanoPerUnit || !rest.IsZero)
            {
                format = QuantityFormat.DecimalSI;
            }
            else
            {
                var power = 0;
                while (power < 60 && whole % 1024 == 0)
                {
                    whole /= 1024;
                    power += 10;
                }

                return whole.ToString(CultureInfo.InvariantCulture) + BinarySuffix(power);
            }
        }

        // Decimal: strip trailing zeros, then lower the exponent to a multiple of 3 so a suffix (or e-notation) fits.
        var mantissa = Nanos;
        var exponent = -NanoDigits;
        while (!mantissa.IsZero && mantissa % 10 == 0)
        {
            mantissa /= 10;
            exponent++;
        }

        var adjust = ((exponent % 3) + 3) % 3;
        mantissa *= BigInteger.Pow(10, adjust);
        exponent -= adjust;
        var number = mantissa.ToString(CultureInfo.InvariantCulture);
        if (format == QuantityFormat.DecimalExponent)
        {
            return exponent == 0 ? number : number + "e" + exponent.ToString(CultureInfo.InvariantCulture);
        }

        return DecimalSuffix(exponent) is { } suffix ? number + suffix : number + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    private static string BinarySuffix(int power) => power switch
    {
        0 => string.Empty,
        10 => "Ki",
        20 => "Mi",
        30 => "Gi",
        40 => "Ti",
        50 => "Pi",
        _ => "Ei",
    };

    private static string? DecimalSuffix(int exponent) => exponent switch
    {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => string.Empty,
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => null,
    };

    /// <summary>Canonicalises a quantity string: throws InvalidQuantity for garbage.</summary>
    public static string Canonicalize(string text, string? what = null) => Parse(text, what).ToString();

    public bool Equals(Quantity? other) => other is not null && Nanos == other.Nanos;

    public override bool Equals(object? obj) => obj is Quantity q && Equals(q);

    public override int GetHashCode() => Nanos.GetHashCode();

    public int CompareTo(Quantity? other) => other is null ? 1 : Nanos.CompareTo(other.Nanos);

    public static bool operator >(Quantity a, Quantity b) => a.CompareTo(b) > 0;

    public static bool operator <(Quantity a, Quantity b) => a.CompareTo(b) < 0;

    public static bool operator >=(Quantity a, Quantity b) => a.CompareTo(b) >= 0;

    public static bool operator <=(Quantity a, Quantity b) => a.CompareTo(b) <= 0;
}

package feel

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	const h, m, s = time.Hour, time.Minute, time.Second
	for _, c := range []struct {
		in   string
		want Duration
		str  string // String(), if not in
	}{
		{"PT10M", Duration{Time: 10 * m}, ""},
		{"P1D", Duration{Days: 1}, ""},
		{"P1Y2M3DT4H5M6S", Duration{Months: 14, Days: 3, Time: 4*h + 5*m + 6*s}, ""},
		{"P2W", Duration{Days: 14}, "P14D"},
		{"P1Y2M3W4DT5H", Duration{Months: 14, Days: 25, Time: 5 * h}, "P1Y2M25DT5H"},
		{"PT1.5S", Duration{Time: 1500 * time.Millisecond}, ""},
		{"PT0,25S", Duration{Time: 250 * time.Millisecond}, "PT0.25S"},
		{"PT0.000000001S", Duration{Time: 1}, ""},
		{"PT36H", Duration{Time: 36 * h}, ""},
		{"PT90M", Duration{Time: 90 * m}, "PT1H30M"},
		{"P0D", Duration{}, "PT0S"},
		{"PT0S", Duration{}, ""},
		{"-P1D", Duration{Days: -1}, ""},
		{"-PT1H30M", Duration{Time: -90 * m}, ""},
		{"-P1Y", Duration{Months: -12}, ""},
		{"+P1D", Duration{Days: 1}, "P1D"},
		{"P1DT-1H", Duration{Days: 1, Time: -h}, ""},
		{"P-1Y2M", Duration{Months: -10}, "-P10M"},
		{"PT-0.5S", Duration{Time: -500 * time.Millisecond}, "-PT0.5S"},
		{"-PT-1H", Duration{Time: h}, "PT1H"},
		{"p1dt2h", Duration{Days: 1, Time: 2 * h}, "P1DT2H"},
		{"P106751D", Duration{Days: 106751}, ""},
	} {
		d, err := ParseDuration(c.in)
		if err != nil || d != c.want {
			t.Errorf("ParseDuration(%q) = %+v, %v; want %+v", c.in, d, err, c.want)
			continue
		}
		want := c.str
		if want == "" {
			want = c.in
		}
		if d.String() != want {
			t.Errorf("%q.String() = %q, want %q", c.in, d.String(), want)
		}
		if back, err := ParseDuration(d.String()); back != d || err != nil {
			t.Errorf("ParseDuration(%q) round trip = %+v, %v", d.String(), back, err)
		}
	}
	for _, bad := range []string{"", "P", "PT", "1D", "P1", "P1H", "PT1D", "P1DT", "P1M1Y", "P1D1D", "PT1S1M",
		"P1.5D", "PT1.H", "PT.5S", "PT1.0000000001S", "P1DT1HT1M", "PT1HT", "P 1D", "P1DX", "--P1D", "P--1D",
		"PT9999999999999999999H", "PT3000000H", "P200000D", "P99999999999999Y", "P1dt", "R3/PT1H"} {
		if d, err := ParseDuration(bad); !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseDuration(%q) = %v, %v; want an error", bad, d, err)
		}
	}
}

func TestDurationAddTo(t *testing.T) {
	if _, err := time.LoadLocation("Europe/Berlin"); err != nil {
		t.Skip("no time zone database:", err)
	}
	for _, c := range []struct {
		start, dur, want string
	}{
		{"2024-01-31T10:00:00Z", "P1M", "2024-02-29T10:00:00Z"},
		{"2023-01-31T10:00:00Z", "P1M", "2023-02-28T10:00:00Z"},
		{"2024-03-31T10:00:00Z", "-P1M", "2024-02-29T10:00:00Z"},
		{"2024-02-29T10:00:00Z", "P1Y", "2025-02-28T10:00:00Z"},
		{"2024-01-31T10:00:00Z", "P1M1D", "2024-03-01T10:00:00Z"},
		{"2024-12-15T00:00:00Z", "P1MT1H", "2025-01-15T01:00:00Z"},
		{"2024-01-01T00:00:00Z", "PT36H", "2024-01-02T12:00:00Z"},
		{"2024-01-01T00:00:00Z", "P1DT-1H", "2024-01-01T23:00:00Z"},
		// a day across the start of summer time keeps the wall clock; 24 hours do not
		{"2024-03-30T12:00:00+01:00[Europe/Berlin]", "P1D", "2024-03-31T12:00:00+02:00"},
		{"2024-03-30T12:00:00+01:00[Europe/Berlin]", "PT24H", "2024-03-31T13:00:00+02:00"},
	} {
		start, err := ParseDateTime(c.start)
		if err != nil {
			t.Fatal(err)
		}
		d, err := ParseDuration(c.dur)
		if err != nil {
			t.Fatal(err)
		}
		if got := d.AddTo(start).Format(time.RFC3339); got != c.want {
			t.Errorf("%s + %s = %s, want %s", c.start, c.dur, got, c.want)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2022-04-27T17:20:00Z", "2022-04-27T17:20:00Z"},
		{"2022-04-27T17:20:00.123456789Z", "2022-04-27T17:20:00.123456789Z"},
		{"2022-04-27T17:20:00+02:00", "2022-04-27T17:20:00+02:00"},
		{"2022-04-27T17:20+02:00", "2022-04-27T17:20:00+02:00"},
		{"2022-04-27T17:20:00", "2022-04-27T17:20:00Z"},
		{"2022-04-27T17:20", "2022-04-27T17:20:00Z"},
		{"2022-04-27", "2022-04-27T00:00:00Z"},
		{" 2022-04-27T17:20:00Z ", "2022-04-27T17:20:00Z"},
		{"2022-04-27T17:20:00+02:00[Unknown/Zone]", "2022-04-27T17:20:00+02:00"},
	} {
		got, err := ParseDateTime(c.in)
		if err != nil || got.Format(time.RFC3339Nano) != c.want {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %s", c.in, got, err, c.want)
		}
	}
	if _, err := time.LoadLocation("Europe/Berlin"); err == nil {
		for _, c := range []struct{ in, want string }{
			{"2022-04-27T17:20:00+02:00[Europe/Berlin]", "2022-04-27T17:20:00+02:00[Europe/Berlin]"},
			{"2022-04-27T15:20:00Z[Europe/Berlin]", "2022-04-27T17:20:00+02:00[Europe/Berlin]"},
			{"2022-04-27T17:20:00[Europe/Berlin]", "2022-04-27T17:20:00+02:00[Europe/Berlin]"},
			{"2022-01-27T17:20:00[Europe/Berlin]", "2022-01-27T17:20:00+01:00[Europe/Berlin]"},
		} {
			got, err := ParseDateTime(c.in)
			if err != nil || formatTime(got) != c.want {
				t.Errorf("ParseDateTime(%q) = %v, %v; want %s", c.in, formatTime(got), err, c.want)
			}
		}
	}
	for _, bad := range []string{"", "x", "2022-13-01", "2022-04-27T25:00:00Z", "2022-04-27 17:20:00Z",
		"2022-04-27T17:20:00[Unknown/Zone]", "2022-04-27T17:20:00Z]", "27.04.2022"} {
		if got, err := ParseDateTime(bad); !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseDateTime(%q) = %v, %v; want an error", bad, got, err)
		}
	}
}

func TestParseCycle(t *testing.T) {
	start := time.Date(2022, 4, 27, 17, 20, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want Cycle
	}{
		{"R3/PT10M", Cycle{Repeat: 3, Interval: Duration{Time: 10 * time.Minute}}},
		{"R/PT1H", Cycle{Repeat: -1, Interval: Duration{Time: time.Hour}}},
		{"R0/P1D", Cycle{Repeat: 0, Interval: Duration{Days: 1}}},
		{" R5/P1M ", Cycle{Repeat: 5, Interval: Duration{Months: 1}}},
		{"R3/2022-04-27T17:20:00Z/P1D", Cycle{Repeat: 3, Start: &start, Interval: Duration{Days: 1}}},
	} {
		got, err := ParseCycle(c.in)
		if err != nil || got.Repeat != c.want.Repeat || got.Interval != c.want.Interval ||
			(got.Start == nil) != (c.want.Start == nil) || got.Start != nil && !got.Start.Equal(*c.want.Start) {
			t.Errorf("ParseCycle(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, msg string }{
		{"PT10M", `want "Rn/duration" or "Rn/start/duration"`},
		{"R3", `want "Rn/duration" or "Rn/start/duration"`},
		{"R3/a/b/c", `want "Rn/duration" or "Rn/start/duration"`},
		{"Rx/PT1M", `invalid repetition count "x"`},
		{"R-1/PT1M", `invalid repetition count "-1"`},
		{"R+1/PT1M", `invalid repetition count "+1"`},
		{"R3/PT", `invalid interval "PT"`},
		{"R3/PT0S", `interval must be positive`},
		{"R3/-PT1M", `interval must be positive`},
		{"R3/P1DT-1H", `interval must be positive`},
		{"R3/tomorrow/PT1M", `invalid start "tomorrow"`},
		{"R3/PT1M/2022-04-27T17:20:00Z", `"Rn/duration/end" is not supported`},
		{"0 0 9-17 * * MON-FRI", `want "Rn/duration" or "Rn/start/duration"`},
	} {
		_, err := ParseCycle(c.in)
		want := fmt.Sprintf("feel: syntax error: invalid ISO 8601 cycle %q: %s", c.in, c.msg)
		if !errors.Is(err, ErrSyntax) || err.Error() != want {
			t.Errorf("ParseCycle(%q): %v\nwant %s", c.in, err, want)
		}
	}
}

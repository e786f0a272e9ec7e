package feel

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Duration is an ISO 8601 duration. Years and months are kept as calendar
// months and weeks and days as calendar days, so that AddTo follows the
// calendar (P1M from January 31 is the last day of February, P1D across a
// daylight-saving change keeps the wall clock); hours, minutes and seconds
// are exact. Components normally share one sign; arithmetic can mix them,
// and then String writes a sign per component as java.time does
// ("P1DT-1H").
type Duration struct {
	Months int           // years × 12 + months
	Days   int           // weeks × 7 + days
	Time   time.Duration // hours, minutes, seconds
}

// maxCalendar bounds the month and day counts that ParseDuration accepts,
// far beyond any calendar while keeping arithmetic on them exact.
const maxCalendar = 1 << 40

// ParseDuration parses an ISO 8601 duration PnYnMnWnDTnHnMnS: at least one
// component, in this order, with the time components after "T". Seconds
// may have up to nine fractional digits ("PT1.5S"); letters may be lower
// case. A leading "-" negates the whole duration; as in java.time each
// number may carry its own sign ("P1DT-1H"). Days and time together must
// stay within ±292 years. Errors wrap ErrSyntax.
func ParseDuration(s string) (Duration, error) {
	d, ok := parseDuration(s)
	if !ok {
		return Duration{}, fmt.Errorf("%w: invalid ISO 8601 duration %q", ErrSyntax, s)
	}
	return d, nil
}

func parseDuration(s string) (d Duration, ok bool) {
	rest, neg := s, strings.HasPrefix(s, "-")
	if neg || strings.HasPrefix(s, "+") {
		rest = s[1:]
	}
	if rest == "" || rest[0]|0x20 != 'p' {
		return d, false
	}
	units, inTime, seen := "YMWD", false, 0 // units still allowed
	for rest = rest[1:]; rest != ""; {
		if rest[0]|0x20 == 't' {
			if inTime || len(rest) == 1 {
				return d, false
			}
			units, inTime, rest = "HMS", true, rest[1:]
			continue
		}
		n, frac, hasFrac, unit, tail, ok := durationPart(rest)
		i := strings.IndexByte(units, unit)
		if !ok || i < 0 || hasFrac && unit != 'S' || !d.add(inTime, unit, n, frac) {
			return d, false
		}
		units, rest, seen = units[i+1:], tail, seen+1
	}
	if seen == 0 || abs(d.Months) > maxCalendar || abs(d.Days) > maxCalendar || d.dayTimeOverflows() {
		return d, false
	}
	if neg {
		d = d.neg()
	}
	return d, true
}

// durationPart reads a signed integer, an optional fraction of up to nine
// digits (returned in nanoseconds) and a unit letter.
func durationPart(s string) (n, frac int64, hasFrac bool, unit byte, rest string, ok bool) {
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i++
	}
	j := i
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	n, err := strconv.ParseInt(s[:j], 10, 64)
	if j == i || err != nil || n > maxCalendar || n < -maxCalendar {
		return
	}
	if j < len(s) && (s[j] == '.' || s[j] == ',') {
		k := j + 1
		for k < len(s) && isDigit(s[k]) {
			k++
		}
		if k == j+1 || k-j-1 > 9 {
			return
		}
		frac, _ = strconv.ParseInt((s[j+1:k] + "000000000")[:9], 10, 64)
		if s[0] == '-' {
			frac = -frac
		}
		hasFrac, j = true, k
	}
	if j == len(s) {
		return
	}
	return n, frac, hasFrac, s[j] &^ 0x20, s[j+1:], true
}

// add adds n units (and frac nanoseconds for seconds) to d; inTime tells
// the minute M from the month M.
func (d *Duration) add(inTime bool, unit byte, n, frac int64) bool {
	var per time.Duration
	switch {
	case unit == 'Y':
		d.Months += int(n) * 12
	case unit == 'M' && !inTime:
		d.Months += int(n)
	case unit == 'W':
		d.Days += int(n) * 7
	case unit == 'D':
		d.Days += int(n)
	case unit == 'H':
		per = time.Hour
	case unit == 'M':
		per = time.Minute
	case unit == 'S':
		per = time.Second
	}
	if per == 0 {
		return true
	}
	if n > math.MaxInt64/int64(per) || n < math.MinInt64/int64(per) {
		return false
	}
	t, ok := addDur(d.Time, time.Duration(n)*per+time.Duration(frac))
	d.Time = t
	return ok
}

func addDur(a, b time.Duration) (time.Duration, bool) {
	s := a + b
	return s, (b >= 0) == (s >= a)
}

// dayTimeOverflows reports whether days plus time exceed time.Duration.
func (d Duration) dayTimeOverflows() bool {
	if d.Days > math.MaxInt64/int(24*time.Hour) || d.Days < math.MinInt64/int(24*time.Hour) {
		return true
	}
	_, ok := addDur(time.Duration(d.Days)*24*time.Hour, d.Time)
	return !ok
}

// dayTime returns days and time as one time.Duration, days counting 24
// hours, saturated at the limits of time.Duration.
func (d Duration) dayTime() time.Duration {
	if d.dayTimeOverflows() {
		if d.Days > 0 || d.Days == 0 && d.Time > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return time.Duration(d.Days)*24*time.Hour + d.Time
}

// String returns d in ISO 8601, "PT0S" for zero.
func (d Duration) String() string {
	if d == (Duration{}) {
		return "PT0S"
	}
	var b strings.Builder
	if d.Months <= 0 && d.Days <= 0 && d.Time <= 0 && d.Time != math.MinInt64 {
		b.WriteByte('-')
		d = d.neg()
	}
	b.WriteByte('P')
	part := func(n int64, unit byte) {
		if n != 0 {
			b.WriteString(strconv.FormatInt(n, 10))
			b.WriteByte(unit)
		}
	}
	part(int64(d.Months/12), 'Y')
	part(int64(d.Months%12), 'M')
	part(int64(d.Days), 'D')
	if d.Time != 0 {
		b.WriteByte('T')
		writeTime(&b, d.Time)
	}
	return b.String()
}

// writeTime writes t as nHnMn.nS, each part with the sign of t.
func writeTime(b *strings.Builder, t time.Duration) {
	sign := ""
	u := uint64(t)
	if t < 0 {
		sign, u = "-", -u
	}
	h, m := u/uint64(time.Hour), u/uint64(time.Minute)%60
	s, ns := u/uint64(time.Second)%60, u%uint64(time.Second)
	if h != 0 {
		fmt.Fprintf(b, "%s%dH", sign, h)
	}
	if m != 0 {
		fmt.Fprintf(b, "%s%dM", sign, m)
	}
	if s != 0 || ns != 0 {
		fmt.Fprintf(b, "%s%d", sign, s)
		if ns != 0 {
			b.WriteString(strings.TrimRight(fmt.Sprintf(".%09d", ns), "0"))
		}
		b.WriteByte('S')
	}
}

// AddTo returns t plus d: first the months (clamping the day to the end of
// a shorter month, as java.time does), then the days in t's location
// (keeping the wall clock), then the exact time.
func (d Duration) AddTo(t time.Time) time.Time {
	if d.Months != 0 {
		y, m, day := t.Date()
		first := time.Date(y, m+time.Month(d.Months), 1, 0, 0, 0, 0, t.Location())
		last := time.Date(first.Year(), first.Month()+1, 0, 0, 0, 0, 0, t.Location()).Day()
		t = time.Date(first.Year(), first.Month(), min(day, last),
			t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	}
	if d.Days != 0 {
		t = t.AddDate(0, 0, d.Days)
	}
	return t.Add(d.Time)
}

func (d Duration) neg() Duration { return Duration{-d.Months, -d.Days, -d.Time} }

func (d Duration) isYearMonth() bool { return d.Days == 0 && d.Time == 0 }

// cmp orders two day-time durations (a day counting 24 hours) or two
// year-month durations; ok is false for other pairs.
func (d Duration) cmp(e Duration) (int, bool) {
	switch {
	case d.Months == 0 && e.Months == 0:
		return cmpOrdered(d.dayTime(), e.dayTime()), true
	case d.isYearMonth() && e.isYearMonth():
		return cmpOrdered(d.Months, e.Months), true
	}
	return 0, false
}

// plus adds component-wise; nil on overflow.
func (d Duration) plus(e Duration) any {
	t, ok := addDur(d.Time, e.Time)
	r := Duration{d.Months + e.Months, d.Days + e.Days, t}
	if !ok || abs(r.Months) > maxCalendar || abs(r.Days) > maxCalendar || r.dayTimeOverflows() {
		return nil
	}
	return r
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// ratio divides two durations of the same kind; nil otherwise.
func (d Duration) ratio(e Duration) any {
	switch {
	case d.Months == 0 && e.Months == 0 && e.dayTime() != 0:
		return float64(d.dayTime()) / float64(e.dayTime())
	case d.isYearMonth() && e.isYearMonth() && e.Months != 0:
		return float64(d.Months) / float64(e.Months)
	}
	return nil
}

// scale multiplies (or divides) d by f. Months are truncated to whole
// months; an integer factor keeps days as days, otherwise days turn into
// 24 hours each. Nil for a zero divisor or a result out of range.
func (d Duration) scale(f float64, divide bool) any {
	if divide {
		if f == 0 {
			return nil
		}
		f = 1 / f
	}
	months := math.Trunc(float64(d.Months) * f)
	days, t := float64(d.Days)*f, float64(d.Time)*f
	if days != math.Trunc(days) {
		days, t = 0, float64(d.dayTime())*f
	}
	t = math.Round(t)
	if math.IsNaN(months+days+t) || math.Abs(months) > maxCalendar || math.Abs(days) > maxCalendar ||
		math.Abs(t) >= math.MaxInt64 {
		return nil
	}
	r := Duration{int(months), int(days), time.Duration(t)}
	if r.dayTimeOverflows() {
		return nil
	}
	return r
}

// property returns the FEEL components of a duration: years, months (0 to
// 11), days, hours (0 to 23), minutes, seconds (with fraction).
func (d Duration) property(name string) any {
	dt := d.dayTime()
	switch name {
	case "years":
		return float64(d.Months / 12)
	case "months":
		return float64(d.Months % 12)
	case "days":
		return float64(dt / (24 * time.Hour))
	case "hours":
		return float64(dt % (24 * time.Hour) / time.Hour)
	case "minutes":
		return float64(dt % time.Hour / time.Minute)
	case "seconds":
		return float64(dt%time.Minute) / float64(time.Second)
	}
	return nil
}

// timeProperty returns the FEEL components of a date-time.
func timeProperty(t time.Time, name string) any {
	switch name {
	case "year":
		return float64(t.Year())
	case "month":
		return float64(t.Month())
	case "day":
		return float64(t.Day())
	case "weekday": // 1 is Monday, 7 Sunday
		return float64((int(t.Weekday())+6)%7 + 1)
	case "hour":
		return float64(t.Hour())
	case "minute":
		return float64(t.Minute())
	case "second":
		return float64(t.Second()) + float64(t.Nanosecond())/1e9
	}
	return nil
}

// ParseDateTime parses an ISO 8601 date-time: RFC 3339 with an offset,
// optionally without seconds, optionally followed by a zone id in brackets
// ("2024-03-31T02:30:00+02:00[Europe/Berlin]"). With an offset the zone id
// only sets the location if the time zone database knows it; without an
// offset the zone id places the local time and must be known. A
// date-time without offset or zone id, or a date alone (midnight), is
// taken as UTC. Errors wrap ErrSyntax.
func ParseDateTime(s string) (time.Time, error) {
	t, err := parseDateTime(strings.TrimSpace(s))
	if err != "" {
		return time.Time{}, fmt.Errorf("%w: invalid date-time %q: %s", ErrSyntax, s, err)
	}
	return t, nil
}

func parseDateTime(s string) (time.Time, string) {
	var zone string
	if strings.HasSuffix(s, "]") {
		i := strings.LastIndexByte(s, '[')
		if i < 0 {
			return time.Time{}, `unmatched "]"`
		}
		s, zone = s[:i], s[i+1:len(s)-1]
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			if loc, err := time.LoadLocation(zone); err == nil && zone != "" {
				t = t.In(loc)
			}
			return t, ""
		}
	}
	loc := time.UTC
	if zone != "" {
		var err error
		if loc, err = time.LoadLocation(zone); err != nil {
			return time.Time{}, "unknown time zone " + strconv.Quote(zone)
		}
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, ""
		}
	}
	return time.Time{}, "want RFC 3339"
}

// Cycle is an ISO 8601 repeating interval as BPMN timer cycles use it:
// "R3/PT10M", "R/PT1H" or "R3/2022-04-27T17:20:00Z/P1D".
type Cycle struct {
	Repeat   int        // number of repetitions; -1 for "R" without a number (unbounded)
	Start    *time.Time // first occurrence; nil means one interval after the timer starts
	Interval Duration   // positive
}

// ParseCycle parses "Rn/duration" or "Rn/start/duration", where n may be
// omitted for unbounded repetition. The interval must be positive. Errors
// wrap ErrSyntax.
func ParseCycle(s string) (Cycle, error) {
	c, msg := parseCycle(strings.TrimSpace(s))
	if msg != "" {
		return Cycle{}, fmt.Errorf("%w: invalid ISO 8601 cycle %q: %s", ErrSyntax, s, msg)
	}
	return c, nil
}

func parseCycle(s string) (Cycle, string) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || !strings.HasPrefix(parts[0], "R") {
		return Cycle{}, `want "Rn/duration" or "Rn/start/duration"`
	}
	c := Cycle{Repeat: -1}
	if n := parts[0][1:]; n != "" {
		r, err := strconv.Atoi(n)
		if err != nil || r < 0 || n[0] == '+' {
			return Cycle{}, "invalid repetition count " + strconv.Quote(n)
		}
		c.Repeat = r
	}
	if len(parts) == 3 {
		if strings.HasPrefix(parts[1], "P") || strings.HasPrefix(parts[1], "-P") {
			return Cycle{}, `"Rn/duration/end" is not supported`
		}
		t, err := ParseDateTime(parts[1])
		if err != nil {
			return Cycle{}, "invalid start " + strconv.Quote(parts[1])
		}
		c.Start = &t
	}
	d, err := ParseDuration(parts[len(parts)-1])
	switch {
	case err != nil:
		return Cycle{}, "invalid interval " + strconv.Quote(parts[len(parts)-1])
	case d.Months < 0 || d.Days < 0 || d.Time < 0 || d == Duration{}:
		return Cycle{}, "interval must be positive"
	}
	c.Interval = d
	return c, ""
}

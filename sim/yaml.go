package sim

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"go.yaml.in/yaml/v3"
)

// ParseParams reads a parameter file in YAML or JSON (JSON is read as
// YAML, so both report line and column). Every problem is collected; the
// error is a *ParamsError. The format is documented in docs/simulation.md.
func ParseParams(file string, data []byte) (*Params, error) {
	ps := &problems{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		ps.list = append(ps.list, yamlProblem(err))
		return nil, ps.err(ErrParams)
	}
	if len(doc.Content) == 0 {
		ps.add(pos{1, 1}, "", "empty parameter file")
		return nil, ps.err(ErrParams)
	}
	d := &decoder{ps: ps}
	p := &Params{Replications: 1, Seed: 1, Arrival: Dist{Kind: Exponential, A: math.NaN()}}
	arrival := false
	root := doc.Content[0]
	d.mapping(root, "", map[string]func(*yaml.Node, string){
		"process":      func(n *yaml.Node, path string) { p.Process = d.str(n, path) },
		"seed":         func(n *yaml.Node, path string) { p.Seed = uint64(d.intv(n, path, 0)) },
		"cases":        func(n *yaml.Node, path string) { p.Cases = d.intv(n, path, 0) },
		"horizon":      func(n *yaml.Node, path string) { p.Horizon = d.seconds(n, path) },
		"warmup":       func(n *yaml.Node, path string) { p.WarmUp = d.seconds(n, path) },
		"warmupCases":  func(n *yaml.Node, path string) { p.WarmUpCases = d.intv(n, path, 0) },
		"replications": func(n *yaml.Node, path string) { p.Replications = d.intv(n, path, 1) },
		"start":        func(n *yaml.Node, path string) { p.Start = d.time(n, path) },
		"currency":     func(n *yaml.Node, path string) { p.Currency = d.str(n, path) },
		"incidents": func(n *yaml.Node, path string) {
			switch s := d.str(n, path); s {
			case "cancel":
			case "keep":
				p.KeepIncidents = true
			default:
				d.errf(n, path, "want \"cancel\" or \"keep\", got %q", s)
			}
		},
		"arrival":        func(n *yaml.Node, path string) { arrival = true; p.Arrival = d.arrival(n, path) },
		"startVariables": func(n *yaml.Node, path string) { p.StartVariables = d.vars(n, path) },
		"pools":          func(n *yaml.Node, path string) { p.Pools = d.pools(n, path) },
		"tasks":          func(n *yaml.Node, path string) { p.Tasks = d.tasks(n, path) },
		"messages":       func(n *yaml.Node, path string) { p.Messages = d.messages(n, path) },
		"branches":       func(n *yaml.Node, path string) { p.Branches = d.branches(n, path) },
	})
	if !arrival {
		ps.add(pos{root.Line, root.Column}, "arrival", "missing: give arrival.interarrival or arrival.rate")
	}
	at := func(key string) pos { return keyPos(root, key) }
	n := len(ps.list)
	p.validate(ps, false)
	for i := n; i < len(ps.list); i++ { // locate top-level problems
		if ps.list[i].Line == 0 {
			k, _, _ := strings.Cut(ps.list[i].Path, ".")
			a := at(k)
			if a.line == 0 {
				a = pos{root.Line, root.Column}
			}
			ps.list[i].Line, ps.list[i].Col = a.line, a.col
		}
	}
	if err := ps.err(ErrParams); err != nil {
		return nil, err
	}
	return p, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlProblem(err error) Problem {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return Problem{Line: line, Col: 1, Msg: m[2]}
	}
	return Problem{Msg: strings.TrimPrefix(msg, "yaml: ")}
}

func keyPos(m *yaml.Node, key string) pos {
	if m.Kind != yaml.MappingNode {
		return pos{}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return pos{m.Content[i].Line, m.Content[i].Column}
		}
	}
	return pos{}
}

// decoder turns YAML nodes into parameters, collecting problems.
type decoder struct{ ps *problems }

func at(n *yaml.Node) pos { return pos{n.Line, n.Column} }

func (d *decoder) errf(n *yaml.Node, path, format string, args ...any) {
	d.ps.add(at(n), path, format, args...)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// mapping calls fields[key] for every key of mapping n, in document order;
// unknown and repeated keys are problems.
func (d *decoder) mapping(n *yaml.Node, path string, fields map[string]func(*yaml.Node, string)) {
	if n.Kind != yaml.MappingNode {
		d.errf(n, path, "want a mapping, got %s", describe(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f := fields[k.Value]
		switch {
		case f == nil:
			names := make([]string, 0, len(fields))
			for name := range fields {
				names = append(names, name)
			}
			slices.Sort(names)
			d.errf(k, join(path, k.Value), "unknown key%s", didYouMean(k.Value, names))
		case seen[k.Value]:
			d.errf(k, join(path, k.Value), "given twice")
		default:
			seen[k.Value] = true
			f(v, join(path, k.Value))
		}
	}
}

// entries calls f for every key of mapping n in document order (a mapping
// of user-chosen names, such as pools or tasks).
func (d *decoder) entries(n *yaml.Node, path string, f func(key string, k, v *yaml.Node, path string)) {
	if n.Kind != yaml.MappingNode {
		d.errf(n, path, "want a mapping, got %s", describe(n))
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			d.errf(k, join(path, k.Value), "given twice")
			continue
		}
		seen[k.Value] = true
		f(k.Value, k, v, join(path, k.Value))
	}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return strconv.Quote(n.Value)
}

func (d *decoder) scalar(n *yaml.Node, path string) bool {
	if n.Kind != yaml.ScalarNode {
		d.errf(n, path, "want a value, got %s", describe(n))
		return false
	}
	return true
}

func (d *decoder) str(n *yaml.Node, path string) string {
	if !d.scalar(n, path) {
		return ""
	}
	return n.Value
}

func (d *decoder) intv(n *yaml.Node, path string, min int) int {
	if !d.scalar(n, path) {
		return 0
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
	if err != nil || n.Tag == "!!str" {
		f, ferr := strconv.ParseFloat(n.Value, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			d.errf(n, path, "want an integer, got %s", describe(n))
			return 0
		}
		v = int64(f)
	}
	if v < int64(min) {
		d.errf(n, path, "must be at least %d, got %d", min, v)
	}
	return int(v)
}

func (d *decoder) float(n *yaml.Node, path string) float64 {
	if !d.scalar(n, path) {
		return math.NaN()
	}
	f, ok := parseNumber(n.Value)
	if !ok {
		d.errf(n, path, "want a number, got %s", describe(n))
		return math.NaN()
	}
	return f
}

func parseNumber(s string) (float64, bool) {
	switch strings.ToLower(s) {
	case ".inf", "+.inf", "infinity", "+infinity":
		return math.Inf(1), true
	case "-.inf", "-infinity":
		return math.Inf(-1), true
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	return f, err == nil
}

func (d *decoder) prob(n *yaml.Node, path string) float64 {
	p := d.float(n, path)
	if !(p >= 0 && p <= 1) && !math.IsNaN(p) {
		d.errf(n, path, "probability must be between 0 and 1, got %s", n.Value)
	}
	return p
}

// seconds reads a time span: a number of seconds or a duration such as
// "90s", "1h30m", "2d" or "1.5d12h".
func (d *decoder) seconds(n *yaml.Node, path string) float64 {
	if !d.scalar(n, path) {
		return math.NaN()
	}
	s, err := parseSeconds(n.Value)
	if err != nil {
		d.errf(n, path, "%v", err)
		return math.NaN()
	}
	return s
}

var daysPrefix = regexp.MustCompile(`^(-?[0-9.]+)d(.*)$`)

func parseSeconds(v string) (float64, error) {
	if f, ok := parseNumber(v); ok {
		return f, nil
	}
	s := strings.TrimSpace(v)
	var days float64
	if m := daysPrefix.FindStringSubmatch(s); m != nil {
		f, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			return 0, errBadDuration(v)
		}
		days, s = f, m[2]
		if s == "" {
			return days * 86400, nil
		}
	}
	dur, err := time.ParseDuration(s)
	if err != nil {
		return 0, errBadDuration(v)
	}
	return days*86400 + dur.Seconds(), nil
}

type durationError string

func (e durationError) Error() string {
	return "want seconds or a duration such as \"90s\", \"1h30m\" or \"2d\", got " + strconv.Quote(string(e))
}

func errBadDuration(v string) error { return durationError(v) }

func (d *decoder) time(n *yaml.Node, path string) time.Time {
	s := d.str(n, path)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	d.errf(n, path, "want a date-time such as 2026-01-05T08:00:00Z, got %q", s)
	return time.Time{}
}

// rate reads an arrival rate: a number per second, or "N/s", "N/m"
// ("N/min"), "N/h", "N/d".
func (d *decoder) rate(n *yaml.Node, path string) float64 {
	if !d.scalar(n, path) {
		return math.NaN()
	}
	if f, ok := parseNumber(n.Value); ok {
		return f
	}
	num, unit, ok := strings.Cut(strings.ReplaceAll(n.Value, " ", ""), "/")
	f, ok2 := parseNumber(num)
	per := map[string]float64{"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}[unit]
	if !ok || !ok2 || per == 0 {
		d.errf(n, path, "want a rate such as \"30/h\" (per s, min, h or d), got %q", n.Value)
		return math.NaN()
	}
	return f / per
}

func (d *decoder) arrival(n *yaml.Node, path string) Dist {
	dist := Dist{Kind: Exponential, A: math.NaN()}
	given := 0
	d.mapping(n, path, map[string]func(*yaml.Node, string){
		"interarrival": func(n *yaml.Node, path string) { given++; dist = d.dist(n, path, true) },
		"rate": func(n *yaml.Node, path string) {
			given++
			r := d.rate(n, path)
			if r > 0 {
				dist = Exp(1 / r)
			} else if !math.IsNaN(r) {
				d.errf(n, path, "rate must be positive")
			}
		},
	})
	if given != 1 && n.Kind == yaml.MappingNode {
		d.errf(n, path, "give exactly one of interarrival and rate")
	}
	return dist
}

// dist reads a distribution: a scalar (a fixed value) or a mapping with
// "dist" and its parameters. With durations set, values may be written
// as durations ("5m").
func (d *decoder) dist(n *yaml.Node, path string, durations bool) Dist {
	val := d.float
	if durations {
		val = d.seconds
	}
	if n.Kind == yaml.ScalarNode {
		return Const(val(n, path))
	}
	f := map[string]float64{}
	var nodes = map[string]*yaml.Node{}
	kind := ""
	var bins []Bin
	num := func(name string, read func(*yaml.Node, string) float64) func(*yaml.Node, string) {
		return func(n *yaml.Node, path string) { f[name] = read(n, path); nodes[name] = n }
	}
	d.mapping(n, path, map[string]func(*yaml.Node, string){
		"dist":     func(n *yaml.Node, path string) { kind = d.str(n, path); nodes["dist"] = n },
		"value":    num("value", val),
		"mean":     num("mean", val),
		"stddev":   num("stddev", val),
		"variance": num("variance", d.float),
		"min":      num("min", val),
		"max":      num("max", val),
		"mode":     num("mode", val),
		"shift":    num("shift", val),
		"mu":       num("mu", d.float),
		"sigma":    num("sigma", d.float),
		"shape":    num("shape", d.float),
		"rate":     num("rate", d.rate),
		"scale":    num("scale", val),
		"bins":     func(n *yaml.Node, path string) { bins = d.bins(n, path, durations) },
	})
	has := func(k string) bool { _, ok := f[k]; return ok }
	need := func(ks ...string) bool {
		ok := true
		for _, k := range ks {
			if !has(k) {
				d.errf(n, path, "%s distribution needs %s", kind, k)
				ok = false
			}
		}
		return ok
	}
	sd := func() float64 {
		if has("stddev") {
			return f["stddev"]
		}
		return math.Sqrt(f["variance"])
	}
	var out Dist
	truncatable := true
	switch kind {
	case "":
		d.errf(n, path, "missing \"dist\" (fixed, uniform, exponential, normal, lognormal, gamma, triangular or histogram)")
		return Const(math.NaN())
	case "fixed", "constant":
		k := "value"
		if !has(k) && has("mean") {
			k = "mean"
		}
		if need(k) {
			out = Const(f[k])
		}
	case "uniform":
		truncatable = false
		if need("min", "max") {
			out = Dist{Kind: Uniform, A: f["min"], B: f["max"]}
		}
	case "exponential", "exp":
		switch {
		case has("mean"):
			out = Exp(f["mean"])
		case has("rate"):
			out = Exp(1 / f["rate"])
		default:
			d.errf(n, path, "exponential distribution needs mean or rate")
		}
	case "normal", "truncatedNormal":
		if has("variance") && !has("stddev") {
			f["stddev"] = sd()
		}
		if need("mean", "stddev") {
			out = Dist{Kind: Normal, A: f["mean"], B: f["stddev"]}
		}
	case "lognormal":
		switch {
		case has("mu") || has("sigma"):
			if need("mu", "sigma") {
				out = Dist{Kind: LogNormal, A: f["mu"], B: f["sigma"]}
			}
		case has("mean") && (has("stddev") || has("variance")):
			out = LogNormalMeanStd(f["mean"], sd())
		default:
			d.errf(n, path, "lognormal distribution needs mean and stddev, or mu and sigma")
		}
	case "gamma":
		switch {
		case has("shape") && has("rate"):
			out = Dist{Kind: Gamma, A: f["shape"], B: f["rate"]}
		case has("shape") && has("scale"):
			out = Dist{Kind: Gamma, A: f["shape"], B: 1 / f["scale"]}
		case has("mean") && (has("stddev") || has("variance")):
			out = GammaMeanStd(f["mean"], sd())
		default:
			d.errf(n, path, "gamma distribution needs mean and stddev, or shape and rate (or scale)")
		}
	case "triangular":
		truncatable = false
		if need("min", "mode", "max") {
			out = Dist{Kind: Triangular, A: f["min"], B: f["max"], C: f["mode"]}
		}
	case "histogram", "empirical":
		if len(bins) == 0 {
			d.errf(n, path, "histogram distribution needs bins")
		}
		out = Dist{Kind: Mixture, Bins: bins}
	default:
		d.errf(nodes["dist"], path+".dist", "unknown distribution %q%s", kind, didYouMean(kind, distNames[:]))
		return Const(math.NaN())
	}
	out.Shift = f["shift"]
	if truncatable {
		if has("min") {
			out.Lo, out.HasLo = f["min"], true
		}
		if has("max") {
			out.Hi, out.HasHi = f["max"], true
		}
	}
	if err := out.check(); err != nil {
		d.errf(n, path, "%v", err)
	}
	return out
}

// bins reads histogram bins: a list of {weight, value} or {weight, min, max}.
func (d *decoder) bins(n *yaml.Node, path string, durations bool) []Bin {
	if n.Kind != yaml.SequenceNode {
		d.errf(n, path, "want a list of bins, got %s", describe(n))
		return nil
	}
	val := d.float
	if durations {
		val = d.seconds
	}
	var out []Bin
	for i, b := range n.Content {
		p := path + "[" + strconv.Itoa(i) + "]"
		bin := Bin{Weight: math.NaN()}
		var lo, hi, v float64
		var hasLo, hasHi, hasV bool
		d.mapping(b, p, map[string]func(*yaml.Node, string){
			"weight": func(n *yaml.Node, path string) { bin.Weight = d.float(n, path) },
			"value":  func(n *yaml.Node, path string) { v, hasV = val(n, path), true },
			"min":    func(n *yaml.Node, path string) { lo, hasLo = val(n, path), true },
			"max":    func(n *yaml.Node, path string) { hi, hasHi = val(n, path), true },
		})
		switch {
		case hasV && !hasLo && !hasHi:
			bin.Dist = Const(v)
		case !hasV && hasLo && hasHi:
			bin.Dist = Dist{Kind: Uniform, A: lo, B: hi}
		default:
			d.errf(b, p, "a bin has a weight and either a value or min and max")
		}
		if math.IsNaN(bin.Weight) && b.Kind == yaml.MappingNode {
			d.errf(b, p, "a bin needs a weight")
		}
		out = append(out, bin)
	}
	return out
}

func (d *decoder) pools(n *yaml.Node, path string) []Pool {
	var out []Pool
	d.entries(n, path, func(name string, k, v *yaml.Node, path string) {
		pl := Pool{Name: name, Size: 1, at: at(k)}
		if v.Kind == yaml.ScalarNode { // "clerks: 3"
			pl.Size = d.intv(v, path, 1)
		} else {
			d.mapping(v, path, map[string]func(*yaml.Node, string){
				"size":        func(n *yaml.Node, path string) { pl.Size = d.intv(n, path, 1) },
				"costPerHour": func(n *yaml.Node, path string) { pl.CostPerHour = d.float(n, path) },
			})
		}
		out = append(out, pl)
	})
	return out
}

func (d *decoder) tasks(n *yaml.Node, path string) []Task {
	var out []Task
	d.entries(n, path, func(name string, k, v *yaml.Node, path string) {
		t := Task{Match: name, Duration: Const(0), at: at(k)}
		d.mapping(v, path, map[string]func(*yaml.Node, string){
			"duration":     func(n *yaml.Node, path string) { t.Duration = d.dist(n, path, true) },
			"pool":         func(n *yaml.Node, path string) { t.Pool = d.str(n, path) },
			"failure":      func(n *yaml.Node, path string) { t.Failure = d.prob(n, path) },
			"retryBackoff": func(n *yaml.Node, path string) { t.RetryBackoff = d.seconds(n, path) },
			"error": func(n *yaml.Node, path string) {
				d.mapping(n, path, map[string]func(*yaml.Node, string){
					"probability": func(n *yaml.Node, path string) { t.Error = d.prob(n, path) },
					"code":        func(n *yaml.Node, path string) { t.ErrorCode = d.str(n, path) },
				})
			},
			"fixedCost": func(n *yaml.Node, path string) { t.FixedCost = d.float(n, path) },
			"variables": func(n *yaml.Node, path string) { t.Variables = d.vars(n, path) },
		})
		out = append(out, t)
	})
	return out
}

func (d *decoder) messages(n *yaml.Node, path string) []Message {
	var out []Message
	d.entries(n, path, func(name string, k, v *yaml.Node, path string) {
		m := Message{Name: name, After: "subscription", Delay: Const(0), TTL: -1, at: at(k)}
		d.mapping(v, path, map[string]func(*yaml.Node, string){
			"after":             func(n *yaml.Node, path string) { m.After = d.str(n, path) },
			"delay":             func(n *yaml.Node, path string) { m.Delay = d.dist(n, path, true) },
			"loss":              func(n *yaml.Node, path string) { m.Loss = d.prob(n, path) },
			"correlationKeyVar": func(n *yaml.Node, path string) { m.CorrelationKeyVar = d.str(n, path) },
			"ttl":               func(n *yaml.Node, path string) { m.TTL = d.seconds(n, path) },
			"variables":         func(n *yaml.Node, path string) { m.Variables = d.vars(n, path) },
		})
		out = append(out, m)
	})
	return out
}

func (d *decoder) branches(n *yaml.Node, path string) []Branch {
	var out []Branch
	d.entries(n, path, func(name string, k, v *yaml.Node, path string) {
		out = append(out, Branch{Flow: name, Probability: d.prob(v, path), at: at(k)})
	})
	return out
}

// vars reads variables: name → a constant, a distribution ({dist: ...}),
// {choice: [{value, weight}...]}, {sequence: PREFIX} or {value: X}.
func (d *decoder) vars(n *yaml.Node, path string) []Variable {
	var out []Variable
	d.entries(n, path, func(name string, k, v *yaml.Node, path string) {
		out = append(out, Variable{Name: name, Gen: d.generator(v, path), at: at(k)})
	})
	return out
}

func (d *decoder) generator(n *yaml.Node, path string) Generator {
	if n.Kind == yaml.ScalarNode {
		return Generator{Kind: GenConst, Value: scalarValue(n)}
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k, v := n.Content[0].Value, n.Content[1]
		switch k {
		case "value":
			var x any
			if err := v.Decode(&x); err != nil {
				d.errf(v, path, "%v", err)
			}
			return Generator{Kind: GenConst, Value: normalize(x)}
		case "sequence":
			return Generator{Kind: GenSequence, Prefix: d.str(v, path+".sequence")}
		case "choice":
			return Generator{Kind: GenChoice, Choices: d.choices(v, path+".choice")}
		}
	}
	if keyPos(n, "dist").line == 0 {
		d.errf(n, path, "want a value, {dist: ...}, {choice: [...]}, {sequence: PREFIX} or {value: X}")
		return Generator{}
	}
	return Generator{Kind: GenDist, Dist: d.dist(n, path, false)}
}

func (d *decoder) choices(n *yaml.Node, path string) []Choice {
	if n.Kind != yaml.SequenceNode {
		d.errf(n, path, "want a list of {value, weight}, got %s", describe(n))
		return nil
	}
	var out []Choice
	for i, c := range n.Content {
		ch := Choice{Weight: math.NaN()}
		p := path + "[" + strconv.Itoa(i) + "]"
		d.mapping(c, p, map[string]func(*yaml.Node, string){
			"value": func(n *yaml.Node, path string) {
				var x any
				if err := n.Decode(&x); err != nil {
					d.errf(n, path, "%v", err)
				}
				ch.Value = normalize(x)
			},
			"weight": func(n *yaml.Node, path string) { ch.Weight = d.float(n, path) },
		})
		if math.IsNaN(ch.Weight) && c.Kind == yaml.MappingNode {
			d.errf(c, p, "a choice needs a weight")
		}
		out = append(out, ch)
	}
	return out
}

func scalarValue(n *yaml.Node) any {
	var x any
	if err := n.Decode(&x); err != nil {
		return n.Value
	}
	return normalize(x)
}

// normalize converts decoded YAML to the engine's JSON-like values: every
// number becomes a float64.
func normalize(x any) any {
	switch v := x.(type) {
	case int:
		return float64(v)
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = normalize(e)
		}
		return out
	}
	return x
}

// ParseSeconds reads a time span as parameter files write it: seconds
// ("90", "1.5") or a duration ("90s", "1h30m", "2d", "1d12h").
func ParseSeconds(s string) (float64, error) { return parseSeconds(s) }

// LoadParams reads a parameter file: Prosimos JSON when its top level has
// Prosimos keys (resource_profiles, arrival_time_distribution,
// task_resource_distribution), else bpmnrun's own YAML or JSON format.
func LoadParams(file string, data []byte, defs *bpmn.Definitions) (*Params, error) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) == nil && len(doc.Content) > 0 {
		for _, k := range []string{"resource_profiles", "arrival_time_distribution", "task_resource_distribution"} {
			if keyPos(doc.Content[0], k).line > 0 {
				return ImportProsimos(file, data, defs)
			}
		}
	}
	return ParseParams(file, data)
}

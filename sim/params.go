package sim

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Sentinel errors; every error of the package wraps one of them.
var (
	ErrParams      = errors.New("invalid simulation parameters") // a parameter file or import that cannot be used
	ErrModel       = errors.New("model cannot be simulated")     // the model does not fit the parameters
	ErrEngine      = errors.New("engine error")                  // the engine refused an input: a bug in sim or interp
	ErrUnsupported = errors.New("unsupported")                   // needs an engine hook that does not exist yet
)

// Params are the parameters of a simulation. Times are in seconds. Build
// them with ParseParams (YAML or JSON, docs/simulation.md), ImportQBP or
// ImportProsimos, or in Go.
type Params struct {
	Process      string    // id of the simulated process; "" = the first with a none start event
	Seed         uint64    // run seed; every random stream derives from it
	Cases        int       // instances to start (0 = no limit, then Horizon is required)
	Horizon      float64   // stop at this virtual time (0 = run until the cases are done)
	WarmUp       float64   // discard cases started before this time...
	WarmUpCases  int       // ...or the first WarmUpCases cases
	Replications int       // independent runs (default 1)
	Start        time.Time // virtual start time (default interp.DefaultStart)
	Currency     string

	Arrival        Dist       // inter-arrival time
	StartVariables []Variable // sampled for every new instance
	Pools          []Pool
	Tasks          []Task
	Messages       []Message
	Branches       []Branch

	// KeepIncidents leaves an instance with an incident waiting (it then
	// counts as stuck); by default the simulator cancels it and counts an
	// "incident" outcome, so memory stays bounded.
	KeepIncidents bool

	// Notes say what an import ignored or approximated; they are printed
	// with the report.
	Notes []string
}

// Variable is a variable sampled for an instance (start variables), a job
// completion (task variables) or a message.
type Variable struct {
	Name string
	Gen  Generator
	at   pos
}

// GenKind says how a Generator makes values.
type GenKind uint8

// Generator kinds.
const (
	GenConst    GenKind = iota // Value
	GenDist                    // a number drawn from Dist
	GenChoice                  // one of Choices, by weight
	GenSequence                // Prefix + a counter (1, 2, ...): unique ids for correlation keys
)

// Generator makes the values of a variable.
type Generator struct {
	Kind    GenKind
	Value   any
	Dist    Dist
	Choices []Choice
	Prefix  string
}

// Choice is one value of a categorical variable.
type Choice struct {
	Value  any
	Weight float64
}

// Pool is a resource pool: Size identical servers, one FIFO queue.
type Pool struct {
	Name        string
	Size        int
	CostPerHour float64
	at          pos
}

// Task gives the behaviour of the jobs of an element (matched by element
// id) or of a job type. Element ids win over job types.
type Task struct {
	Match        string  // element id or job type
	Duration     Dist    // time a server of Pool works on one attempt
	Pool         string  // "" = no resource: the job starts at once
	Failure      float64 // probability that an attempt fails (FailJob)
	RetryBackoff float64 // seconds before a failed job is retried
	Error        float64 // probability that an attempt throws a BPMN error
	ErrorCode    string
	FixedCost    float64    // per completed job
	Variables    []Variable // sent with CompleteJob
	at           pos
}

// Message says how the outside world answers a message subscription.
type Message struct {
	Name string
	// After says when the delay starts: "subscription" (the instance
	// starts waiting for the message; the default), "start" (the instance
	// started) or an element id (a job of that element completed).
	After string
	Delay Dist
	Loss  float64 // probability that the message is never sent
	// CorrelationKeyVar names the instance variable whose value (when the
	// answer is scheduled) is the correlation key; "" takes the key of the
	// instance's open subscription to the message, when the answer is
	// scheduled or, if none is open then, when it is published.
	CorrelationKeyVar string
	TTL               float64 // seconds the engine buffers it; < 0 = engine default
	Variables         []Variable
	at                pos
}

// Branch is the probability of a sequence flow leaving an exclusive or
// inclusive gateway.
type Branch struct {
	Flow        string
	Probability float64
	at          pos
}

// pos is a position in a parameter file, for error messages.
type pos struct{ line, col int }

// Problem is one problem of a parameter file.
type Problem struct {
	Line, Col int    // 0 when not known (imports, Go-built params)
	Path      string // e.g. "tasks.review.duration"
	Msg       string
}

func (p Problem) String() string {
	s := ""
	if p.Line > 0 {
		s = fmt.Sprintf("%d:%d: ", p.Line, p.Col)
	}
	if p.Path != "" {
		s += p.Path + ": "
	}
	return s + p.Msg
}

// ParamsError lists every problem of a parameter file; it unwraps to
// ErrParams (or ErrModel when the model does not fit the parameters).
type ParamsError struct {
	File     string
	Problems []Problem
	kind     error
}

func (e *ParamsError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		if e.File != "" {
			b.WriteString(e.File)
			if p.Line > 0 {
				b.WriteByte(':')
			} else {
				b.WriteString(": ")
			}
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap returns the sentinel.
func (e *ParamsError) Unwrap() error {
	if e.kind != nil {
		return e.kind
	}
	return ErrParams
}

// problems collects problems in order.
type problems struct {
	file string
	list []Problem
}

func (ps *problems) add(at pos, path, format string, args ...any) {
	ps.list = append(ps.list, Problem{Line: at.line, Col: at.col, Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (ps *problems) err(kind error) error {
	if len(ps.list) == 0 {
		return nil
	}
	return &ParamsError{File: ps.file, Problems: ps.list, kind: kind}
}

// validate checks the parameters on their own (the model is checked by
// NewModel). With dists false, what the YAML decoder has checked already,
// with positions (distributions, probabilities, sizes), is not checked
// again.
func (p *Params) validate(ps *problems, dists bool) {
	if p.Cases < 0 {
		ps.add(pos{}, "cases", "must not be negative")
	}
	if p.Cases == 0 && p.Horizon <= 0 {
		ps.add(pos{}, "", "give cases or horizon: nothing would stop the simulation")
	}
	if p.Replications < 0 {
		ps.add(pos{}, "replications", "must not be negative")
	}
	if err := p.Arrival.check(); err != nil {
		if dists {
			ps.add(pos{}, "arrival", "%v", err)
		}
	} else if m := p.Arrival.Mean(); m < 0 || (m == 0 && p.Cases == 0) {
		ps.add(pos{}, "arrival", "mean inter-arrival time must be positive (or 0 with a number of cases)")
	}
	pools := map[string]bool{}
	for _, pl := range p.Pools {
		if pools[pl.Name] {
			ps.add(pl.at, "pools."+pl.Name, "defined twice")
		}
		pools[pl.Name] = true
		if pl.Size < 1 && dists {
			ps.add(pl.at, "pools."+pl.Name, "size must be at least 1")
		}
	}
	for _, t := range p.Tasks {
		path := "tasks." + t.Match
		if err := t.Duration.check(); err != nil && dists {
			ps.add(t.at, path+".duration", "%v", err)
		}
		if t.Pool != "" && !pools[t.Pool] {
			ps.add(t.at, path+".pool", "no pool %q%s", t.Pool, didYouMean(t.Pool, keys(p.Pools, func(x Pool) string { return x.Name })))
		}
		if dists {
			checkProb(ps, t.at, path+".failure", t.Failure)
			checkProb(ps, t.at, path+".error", t.Error)
		}
		if t.Failure <= 1 && t.Error <= 1 && t.Failure+t.Error > 1 {
			ps.add(t.at, path, "failure and error probabilities add up to more than 1")
		}
		if t.Error > 0 && t.ErrorCode == "" {
			ps.add(t.at, path+".error", "an error probability needs an error code")
		}
		checkVars(ps, path+".variables", t.Variables, dists)
	}
	for _, m := range p.Messages {
		path := "messages." + m.Name
		if err := m.Delay.check(); err != nil && dists {
			ps.add(m.at, path+".delay", "%v", err)
		}
		if dists {
			checkProb(ps, m.at, path+".loss", m.Loss)
		}
		checkVars(ps, path+".variables", m.Variables, dists)
	}
	for _, b := range p.Branches {
		if dists {
			checkProb(ps, b.at, "branches."+b.Flow, b.Probability)
		}
	}
	checkVars(ps, "startVariables", p.StartVariables, dists)
}

func checkProb(ps *problems, at pos, path string, p float64) {
	if !(p >= 0 && p <= 1) {
		ps.add(at, path, "probability must be between 0 and 1, got %s", num(p))
	}
}

func checkVars(ps *problems, path string, vars []Variable, dists bool) {
	for _, v := range vars {
		switch v.Gen.Kind {
		case GenDist:
			if err := v.Gen.Dist.check(); err != nil && dists {
				ps.add(v.at, path+"."+v.Name, "%v", err)
			}
		case GenChoice:
			var w float64
			for _, c := range v.Gen.Choices {
				if c.Weight < 0 {
					ps.add(v.at, path+"."+v.Name, "choice weights must not be negative")
				}
				w += c.Weight
			}
			if w <= 0 {
				ps.add(v.at, path+"."+v.Name, "choice weights sum to zero")
			}
		}
	}
}

func keys[T any](xs []T, key func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = key(x)
	}
	return out
}

// didYouMean returns `; did you mean "x"?` for the candidate closest to s
// (edit distance at most a third of its length), or "".
func didYouMean(s string, cands []string) string {
	best, bestD := "", len(s)/3+1
	for _, c := range cands {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" && len(s) >= 3 {
		for _, c := range cands {
			if strings.HasPrefix(c, s) {
				best = c
				break
			}
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

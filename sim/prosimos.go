package sim

import (
	"fmt"
	"math"
	"strings"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"go.yaml.in/yaml/v3"
)

// Prosimos (Simod since 2022, Optimos) keeps its parameters in a JSON file
// beside the model. Two dialects exist (docs/simulation.md): raw SciPy
// parameters before version 2, mean/variance/min/max since; the number of
// parameters tells them apart. Some files contain the non-JSON tokens
// Infinity and NaN; the file is read with the YAML reader, which takes
// them as strings, so they parse.

type prosimosFile struct {
	Profiles []struct {
		ID        string `yaml:"id"`
		Name      string `yaml:"name"`
		Resources []struct {
			ID     string `yaml:"id"`
			Cost   any    `yaml:"cost_per_hour"`
			Amount any    `yaml:"amount"`
		} `yaml:"resource_list"`
	} `yaml:"resource_profiles"`
	Arrival  *prosimosDist `yaml:"arrival_time_distribution"`
	Gateways []struct {
		GatewayID     string `yaml:"gateway_id"`
		Probabilities []struct {
			PathID string `yaml:"path_id"`
			Value  any    `yaml:"value"`
		} `yaml:"probabilities"`
	} `yaml:"gateway_branching_probabilities"`
	Tasks []struct {
		TaskID    string `yaml:"task_id"`
		Resources []struct {
			ResourceID   string `yaml:"resource_id"`
			prosimosDist `yaml:",inline"`
		} `yaml:"resources"`
	} `yaml:"task_resource_distribution"`
	Events []struct {
		EventID      string `yaml:"event_id"`
		prosimosDist `yaml:",inline"`
	} `yaml:"event_distribution"`
	CaseAttributes []struct {
		Name   string    `yaml:"name"`
		Type   string    `yaml:"type"`
		Values yaml.Node `yaml:"values"`
	} `yaml:"case_attributes"`
	ArrivalCalendar   any    `yaml:"arrival_time_calendar"`
	ResourceCalendars any    `yaml:"resource_calendars"`
	Batching          any    `yaml:"batch_processing"`
	Prioritisation    any    `yaml:"prioritisation_rules"`
	BranchRules       any    `yaml:"branch_rules"`
	Multitask         any    `yaml:"multitask"`
	ModelType         string `yaml:"model_type"`
}

type prosimosDist struct {
	Name   string `yaml:"distribution_name"`
	Params []struct {
		Value any `yaml:"value"`
	} `yaml:"distribution_params"`
	Histogram *struct {
		CDF []any `yaml:"cdf"`
		Mid []any `yaml:"bin_midpoints"`
	} `yaml:"histogram_data"`
}

// ImportProsimos reads Prosimos JSON parameters for the model defs. The
// number of cases is not part of the file: set Cases or Horizon before
// NewModel. Calendars, batching, prioritisation, multitasking and
// differentiated resources are approximated or left out, with a note.
func ImportProsimos(file string, data []byte, defs *bpmn.Definitions) (*Params, error) {
	ps := &problems{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		ps.list = append(ps.list, yamlProblem(err))
		return nil, ps.err(ErrParams)
	}
	var f prosimosFile
	if len(doc.Content) == 0 {
		ps.add(pos{1, 1}, "", "empty file")
		return nil, ps.err(ErrParams)
	}
	if err := doc.Content[0].Decode(&f); err != nil {
		ps.add(pos{}, "", "%v", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil, ps.err(ErrParams)
	}
	p := &Params{Replications: 1, Seed: 1}
	if f.Arrival == nil {
		ps.add(pos{}, "arrival_time_distribution", "missing")
	} else {
		p.Arrival = f.Arrival.dist(ps, "arrival_time_distribution")
	}
	poolOf := prosimosPools(&f, p)
	prosimosTasks(&f, p, ps, poolOf)
	for _, g := range f.Gateways {
		p.Branches = append(p.Branches, prosimosBranches(g.GatewayID, g.Probabilities, ps)...)
	}
	prosimosEvents(&f, defs, p, ps)
	prosimosAttributes(&f, p, ps)
	notes := []struct {
		given bool
		note  string
	}{
		{f.ArrivalCalendar != nil || f.ResourceCalendars != nil, "Prosimos calendars are ignored: resources work around the clock and arrivals never pause"},
		{f.Batching != nil, "Prosimos batch processing is ignored"},
		{f.Prioritisation != nil, "Prosimos prioritisation rules are ignored: queues are FIFO"},
		{f.BranchRules != nil, "Prosimos branch rules are ignored: branches use their probabilities"},
		{f.Multitask != nil || f.ModelType == "FUZZY", "Prosimos multitasking and fuzzy calendars are ignored"},
	}
	for _, n := range notes {
		if n.given {
			p.Notes = append(p.Notes, n.note)
		}
	}
	if err := ps.err(ErrParams); err != nil {
		return nil, err
	}
	return p, nil
}

// prosimosPools makes one pool per resource profile, its size the sum of
// the amounts of its resources; it returns the pool of every resource and
// profile id.
func prosimosPools(f *prosimosFile, p *Params) map[string]string {
	poolOf := map[string]string{}
	for _, prof := range f.Profiles {
		name := prof.Name
		if name == "" {
			name = prof.ID
		}
		pl := Pool{Name: name}
		costs := map[float64]bool{}
		for _, r := range prof.Resources {
			n := 1.0
			if r.Amount != nil {
				n, _ = anyNum(r.Amount)
			}
			pl.Size += int(math.Max(n, 1))
			c, _ := anyNum(r.Cost)
			if !math.IsNaN(c) {
				costs[c] = true
				pl.CostPerHour = c
			}
			poolOf[r.ID] = name
		}
		if len(costs) > 1 {
			p.Notes = append(p.Notes, fmt.Sprintf("resources of pool %s have different costs; the simulator charges %s per hour for all", name, num(pl.CostPerHour)))
		}
		if pl.Size == 0 {
			pl.Size = 1
		}
		poolOf[prof.ID] = name
		p.Pools = append(p.Pools, pl)
	}
	return poolOf
}

func prosimosTasks(f *prosimosFile, p *Params, ps *problems, poolOf map[string]string) {
	var differentiated []string
	for _, t := range f.Tasks {
		if len(t.Resources) == 0 {
			continue
		}
		r := t.Resources[0]
		task := Task{Match: t.TaskID, Pool: poolOf[r.ResourceID],
			Duration: r.prosimosDist.dist(ps, "task_resource_distribution."+t.TaskID)}
		if task.Pool == "" {
			ps.add(pos{}, "task_resource_distribution."+t.TaskID, "unknown resource %q", r.ResourceID)
		}
		for _, o := range t.Resources[1:] {
			if o.prosimosDist.Name != r.prosimosDist.Name || fmt.Sprint(o.Params) != fmt.Sprint(r.Params) {
				differentiated = append(differentiated, t.TaskID)
				break
			}
		}
		p.Tasks = append(p.Tasks, task)
	}
	if len(differentiated) > 0 {
		p.Notes = append(p.Notes, "differentiated resources are approximated: the duration of the first resource applies to every resource of "+strings.Join(differentiated, ", "))
	}
}

// prosimosBranches converts the probabilities of one gateway; paths
// without a value share what is left of 1, as Prosimos does.
func prosimosBranches(gw string, probs []struct {
	PathID string `yaml:"path_id"`
	Value  any    `yaml:"value"`
}, ps *problems) []Branch {
	var out []Branch
	sum, missing := 0.0, 0
	for _, pr := range probs {
		v, ok := anyNum(pr.Value)
		if !ok || math.IsNaN(v) {
			v, missing = math.NaN(), missing+1
		} else {
			sum += v
		}
		out = append(out, Branch{Flow: pr.PathID, Probability: v})
	}
	for i := range out {
		if math.IsNaN(out[i].Probability) {
			out[i].Probability = math.Max(0, 1-sum) / float64(missing)
		}
	}
	return out
}

// prosimosEvents turns the durations of message catch events into
// message delays; timer events keep the model's timer.
func prosimosEvents(f *prosimosFile, defs *bpmn.Definitions, p *Params, ps *problems) {
	var ignored []string
	seen := map[string]bool{}
	for _, e := range f.Events {
		n := findNode(defs, e.EventID)
		var msg *bpmn.Message
		if n != nil && n.EventType() == bpmn.MessageEvent && n.Event.Message != nil && n.Kind == bpmn.IntermediateCatchEvent {
			msg = n.Event.Message
		}
		if msg == nil {
			ignored = append(ignored, e.EventID)
			continue
		}
		name := msg.Name
		if name == "" {
			name = msg.ID
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		p.Messages = append(p.Messages, Message{Name: name, After: "subscription", TTL: -1,
			Delay: e.prosimosDist.dist(ps, "event_distribution."+e.EventID)})
	}
	if len(ignored) > 0 {
		p.Notes = append(p.Notes, "event durations apply to message catch events only (they become message delays); ignored for "+strings.Join(ignored, ", "))
	}
}

func prosimosAttributes(f *prosimosFile, p *Params, ps *problems) {
	for _, a := range f.CaseAttributes {
		path := "case_attributes." + a.Name
		switch a.Type {
		case "discrete":
			var vals []struct {
				Key   any `yaml:"key"`
				Value any `yaml:"value"`
			}
			if err := a.Values.Decode(&vals); err != nil {
				ps.add(pos{a.Values.Line, a.Values.Column}, path, "want a list of {key, value}")
				continue
			}
			g := Generator{Kind: GenChoice}
			for _, v := range vals {
				w, _ := anyNum(v.Value)
				g.Choices = append(g.Choices, Choice{Value: normalize(v.Key), Weight: w})
			}
			p.StartVariables = append(p.StartVariables, Variable{Name: a.Name, Gen: g})
		case "continuous":
			var d prosimosDist
			if err := a.Values.Decode(&d); err != nil {
				ps.add(pos{a.Values.Line, a.Values.Column}, path, "want a distribution")
				continue
			}
			p.StartVariables = append(p.StartVariables, Variable{Name: a.Name, Gen: Generator{Kind: GenDist, Dist: d.dist(ps, path)}})
		default:
			ps.add(pos{}, path, "unknown attribute type %q", a.Type)
		}
	}
}

// anyNum reads a number that may be written as a string ("Infinity").
func anyNum(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		return parseNumber(x)
	}
	return math.NaN(), false
}

// dist converts a Prosimos distribution, telling the dialects apart by
// the number of parameters (docs/simulation.md).
func (q *prosimosDist) dist(ps *problems, path string) Dist {
	var a []float64
	for _, p := range q.Params {
		v, ok := anyNum(p.Value)
		if !ok {
			ps.add(pos{}, path, "parameter %v is not a number", p.Value)
			return Const(0)
		}
		a = append(a, v)
	}
	bad := func() Dist {
		ps.add(pos{}, path, "%s with %d parameters is neither the Prosimos 1.x nor the 2.x form", q.Name, len(a))
		return Const(0)
	}
	// trunc applies [lo, hi] (v2 and v1 alike reject samples outside it;
	// v2 also rejects negative ones).
	trunc := func(d Dist, lo, hi float64) Dist {
		if !math.IsInf(lo, 0) && !math.IsNaN(lo) {
			d.Lo, d.HasLo = math.Max(lo, 0), true
		}
		if !math.IsInf(hi, 1) && !math.IsNaN(hi) {
			d.Hi, d.HasHi = hi, true
		}
		return d
	}
	var d Dist
	switch q.Name {
	case "fix":
		switch len(a) {
		case 1, 3: // v2 [value]; v1 [value, 0, 1]
			d = Const(a[0])
		default:
			return bad()
		}
	case "expon":
		switch len(a) {
		case 3: // v2 [mean, min, max]: expon(loc=min, scale=mean−min)
			d = trunc(Dist{Kind: Exponential, A: a[0] - a[1], Shift: a[1]}, a[1], a[2])
		case 4: // v1 [loc, scale, min, max]
			d = trunc(Dist{Kind: Exponential, A: a[1], Shift: a[0]}, a[2], a[3])
		case 2: // [loc, scale]
			d = Dist{Kind: Exponential, A: a[1], Shift: a[0]}
		default:
			return bad()
		}
		if d.A <= 0 {
			d = Const(d.Shift)
		}
	case "uniform":
		switch len(a) {
		case 2: // v2 [min, max]
			d = Dist{Kind: Uniform, A: a[0], B: a[1]}
		case 4: // v1 [loc, scale, min, max]
			d = trunc(Dist{Kind: Uniform, A: a[0], B: a[0] + a[1]}, a[2], a[3])
		default:
			return bad()
		}
	case "norm":
		switch len(a) {
		case 2:
			d = Dist{Kind: Normal, A: a[0], B: a[1]}
		case 4: // both dialects: [mean, std, min, max]
			d = trunc(Dist{Kind: Normal, A: a[0], B: a[1]}, a[2], a[3])
		default:
			return bad()
		}
	case "lognorm":
		switch len(a) {
		case 4: // v2 [mean, variance, min, max]
			d = trunc(LogNormalMeanStd(a[0], math.Sqrt(a[1])), a[2], a[3])
		case 5: // v1 [s, loc, scale, min, max]
			d = trunc(Dist{Kind: LogNormal, A: math.Log(a[2]), B: a[0], Shift: a[1]}, a[3], a[4])
		case 3: // [s, loc, scale]
			d = Dist{Kind: LogNormal, A: math.Log(a[2]), B: a[0], Shift: a[1]}
		default:
			return bad()
		}
	case "gamma":
		switch len(a) {
		case 4: // v2 [mean, variance, min, max]
			d = trunc(GammaMeanStd(a[0], math.Sqrt(a[1])), a[2], a[3])
		case 5: // v1 [a, loc, scale, min, max]
			d = trunc(Dist{Kind: Gamma, A: a[0], B: 1 / a[2], Shift: a[1]}, a[3], a[4])
		case 3:
			d = Dist{Kind: Gamma, A: a[0], B: 1 / a[2], Shift: a[1]}
		default:
			return bad()
		}
	case "triang":
		switch len(a) {
		case 3, 5: // v1 [c, loc, scale(, min, max)]: mode = loc + c·scale
			d = Dist{Kind: Triangular, A: a[1], B: a[1] + a[2], C: a[1] + a[0]*a[2]}
		default:
			return bad()
		}
	case "histogram_sampling":
		if q.Histogram == nil || len(q.Histogram.CDF) != len(q.Histogram.Mid) || len(q.Histogram.CDF) == 0 {
			ps.add(pos{}, path, "histogram_sampling needs histogram_data with cdf and bin_midpoints of equal length")
			return Const(0)
		}
		d = Dist{Kind: Mixture}
		prev := 0.0
		for i := range q.Histogram.CDF {
			c, _ := anyNum(q.Histogram.CDF[i])
			m, _ := anyNum(q.Histogram.Mid[i])
			d.Bins = append(d.Bins, Bin{Weight: math.Max(c-prev, 0), Dist: Const(m)})
			prev = c
		}
	default:
		ps.add(pos{}, path, "unsupported distribution %q (want fix, expon, uniform, norm, lognorm, gamma, triang or histogram_sampling)", q.Name)
		return Const(0)
	}
	if err := d.check(); err != nil {
		ps.add(pos{}, path, "%v", err)
	}
	return d
}

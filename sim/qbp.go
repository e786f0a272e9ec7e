package sim

import (
	"encoding/xml"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/bpmnrun/bpmnrun/bpmn"
)

// QBP (BIMP, Simod before 2022, Apromore) keeps the scenario in a
// qbp:processSimulationInfo element, under <definitions> or a process's
// extensionElements; package bpmn collects it in Definitions.Extensions.
// Semantics follow the QBP engine (docs/simulation.md lists them): every
// value is in seconds whatever qbp:timeUnit says; EXPONENTIAL keeps its
// mean in arg1; GAMMA and LOGNORMAL take mean and variance (arg1); "NaN"
// stands for an unused argument.

type qbpInfo struct {
	ProcessID string     `xml:"processId,attr"`
	Instances string     `xml:"processInstances,attr"`
	Start     string     `xml:"startDateTime,attr"`
	Currency  string     `xml:"currency,attr"`
	Arrival   *qbpDist   `xml:"arrivalRateDistribution"`
	Timetable []struct{} `xml:"timetables>timetable"`
	Resources []struct {
		ID          string `xml:"id,attr"`
		Name        string `xml:"name,attr"`
		TotalAmount string `xml:"totalAmount,attr"`
		CostPerHour string `xml:"costPerHour,attr"`
	} `xml:"resources>resource"`
	Elements []struct {
		ElementID string   `xml:"elementId,attr"`
		FixedCost string   `xml:"fixedCost,attr"`
		Duration  *qbpDist `xml:"durationDistribution"`
		Resources []string `xml:"resourceIds>resourceId"`
	} `xml:"elements>element"`
	Flows []struct {
		ElementID   string `xml:"elementId,attr"`
		Probability string `xml:"executionProbability,attr"`
	} `xml:"sequenceFlows>sequenceFlow"`
	Stats     *struct{} `xml:"statsOptions"`
	Variables *struct{} `xml:"variables"`
}

type qbpDist struct {
	Type string `xml:"type,attr"`
	Mean string `xml:"mean,attr"`
	Arg1 string `xml:"arg1,attr"`
	Arg2 string `xml:"arg2,attr"`
	Bins []struct {
		Probability string   `xml:"probability,attr"`
		Dist        *qbpDist `xml:"distribution"`
	} `xml:"histogramDataBins>histogramData"`
}

// HasQBP reports whether defs carries a QBP scenario.
func HasQBP(defs *bpmn.Definitions) bool { return qbpBlock(defs) != nil }

// qbpBlock returns the scenario to use: the first one in the file.
func qbpBlock(defs *bpmn.Definitions) *bpmn.RawExtension {
	for i, x := range defs.Extensions {
		if x.Tag == "processSimulationInfo" {
			return &defs.Extensions[i]
		}
	}
	return nil
}

// ImportQBP reads the qbp:processSimulationInfo scenario of defs into
// parameters. What QBP has and the simulator does not (timetables,
// Apromore's data-based branching, statistics trimming) is left out with
// a note.
func ImportQBP(defs *bpmn.Definitions) (*Params, error) {
	ext := qbpBlock(defs)
	ps := &problems{file: "qbp:processSimulationInfo"}
	if ext == nil {
		ps.add(pos{}, "", "the model has no qbp:processSimulationInfo")
		return nil, ps.err(ErrParams)
	}
	var info qbpInfo
	if err := xml.Unmarshal([]byte(ext.XML), &info); err != nil {
		ps.add(pos{}, "", "%v", err)
		return nil, ps.err(ErrParams)
	}
	p := &Params{Replications: 1, Seed: 1, Currency: info.Currency, Process: info.ProcessID}
	if p.Process == "" && ext.ElementID != "" && defs.Process(ext.ElementID) != nil {
		p.Process = ext.ElementID
	}
	if n, err := strconv.Atoi(strings.TrimSpace(info.Instances)); err == nil {
		p.Cases = n
	} else if info.Instances != "" {
		ps.add(pos{}, "processInstances", "not an integer: %q", info.Instances)
	}
	if info.Start != "" {
		if t, err := time.Parse(time.RFC3339Nano, info.Start); err == nil {
			p.Start = t.UTC()
		} else {
			ps.add(pos{}, "startDateTime", "not a date-time: %q", info.Start)
		}
	}
	if info.Arrival == nil {
		ps.add(pos{}, "arrivalRateDistribution", "missing")
	} else {
		p.Arrival = info.Arrival.dist(ps, "arrivalRateDistribution")
	}
	names := qbpPoolNames(&info)
	for _, r := range info.Resources {
		pl := Pool{Name: names[r.ID], Size: 1}
		if n, err := strconv.Atoi(strings.TrimSpace(r.TotalAmount)); err == nil {
			pl.Size = n
		}
		pl.CostPerHour = qbpNum(r.CostPerHour, 0)
		p.Pools = append(p.Pools, pl)
	}
	qbpElements(defs, &info, names, p, ps)
	p.Branches = branchesOf(defs, info.Flows, p)
	if len(info.Timetable) > 0 {
		p.Notes = append(p.Notes, "QBP timetables are ignored: resources work around the clock and arrivals never pause")
	}
	if info.Stats != nil {
		p.Notes = append(p.Notes, "QBP statsOptions (trimming) are ignored: use warmupCases")
	}
	if info.Variables != nil {
		p.Notes = append(p.Notes, "QBP variables and data-based branching are ignored")
	}
	if err := ps.err(ErrParams); err != nil {
		return nil, err
	}
	return p, nil
}

// qbpPoolNames names pools after their resources: the name when it is
// unique, else the id.
func qbpPoolNames(info *qbpInfo) map[string]string {
	count := map[string]int{}
	for _, r := range info.Resources {
		count[r.Name]++
	}
	out := map[string]string{}
	for _, r := range info.Resources {
		if r.Name != "" && count[r.Name] == 1 {
			out[r.ID] = r.Name
		} else {
			out[r.ID] = r.ID
		}
	}
	return out
}

func qbpElements(defs *bpmn.Definitions, info *qbpInfo, names map[string]string, p *Params, ps *problems) {
	var skipped []string
	for _, e := range info.Elements {
		n := findNode(defs, e.ElementID)
		if n == nil || !(n.Kind.IsActivity() && n.Kind != bpmn.SubProcess && n.Kind != bpmn.CallActivity) {
			skipped = append(skipped, e.ElementID)
			continue
		}
		t := Task{Match: e.ElementID, Duration: Const(0), FixedCost: qbpNum(e.FixedCost, 0)}
		if e.Duration != nil {
			t.Duration = e.Duration.dist(ps, "element "+e.ElementID)
		}
		if len(e.Resources) > 0 {
			t.Pool = names[strings.TrimSpace(e.Resources[0])]
			if t.Pool == "" {
				ps.add(pos{}, "element "+e.ElementID, "unknown resource %q", e.Resources[0])
			}
			if len(e.Resources) > 1 {
				p.Notes = append(p.Notes, fmt.Sprintf("%s names %d resources; the simulator uses the first, %s", e.ElementID, len(e.Resources), t.Pool))
			}
		}
		p.Tasks = append(p.Tasks, t)
	}
	if len(skipped) > 0 {
		sort.Strings(skipped)
		p.Notes = append(p.Notes, "QBP durations of elements that are not tasks are ignored: "+strings.Join(skipped, ", "))
	}
}

func findNode(defs *bpmn.Definitions, id string) *bpmn.Node {
	for _, p := range defs.Processes {
		if n := p.Node(id); n != nil {
			return n
		}
	}
	return nil
}

// qbpNum reads a QBP number; "", "NaN" and garbage give def.
func qbpNum(s string, def float64) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) {
		return def
	}
	return f
}

// dist converts a QBP distribution (see the table in docs/simulation.md).
func (q *qbpDist) dist(ps *problems, path string) Dist {
	mean, a1, a2 := qbpNum(q.Mean, 0), qbpNum(q.Arg1, 0), qbpNum(q.Arg2, 0)
	var d Dist
	switch strings.ToUpper(q.Type) {
	case "FIXED":
		d = Const(mean)
	case "EXPONENTIAL":
		if a1 <= 0 { // the QBP engine samples 0 then
			d = Const(0)
		} else {
			d = Exp(a1)
		}
	case "NORMAL":
		d = Dist{Kind: Normal, A: mean, B: a1}
	case "UNIFORM":
		d = Dist{Kind: Uniform, A: a1, B: a2}
	case "TRIANGULAR":
		d = Dist{Kind: Triangular, A: a1, B: a2, C: mean}
	case "GAMMA":
		if a1 <= 0 {
			d = Const(mean)
		} else {
			d = GammaMeanStd(mean, math.Sqrt(a1))
		}
	case "LOGNORMAL":
		if a1 <= 0 {
			d = Const(mean)
		} else {
			d = LogNormalMeanStd(mean, math.Sqrt(a1))
		}
	case "HISTOGRAM":
		d = Dist{Kind: Mixture}
		for _, b := range q.Bins {
			if b.Dist == nil {
				continue
			}
			d.Bins = append(d.Bins, Bin{Weight: qbpNum(b.Probability, 0), Dist: b.Dist.dist(ps, path)})
		}
	default:
		ps.add(pos{}, path, "unknown distribution type %q", q.Type)
		return Const(0)
	}
	if err := d.check(); err != nil {
		ps.add(pos{}, path, "%v", err)
	}
	return d
}

// branchesOf keeps the flow probabilities that leave an exclusive or
// inclusive split; the others (single flows, flows out of tasks) mean
// nothing to the simulator.
func branchesOf(defs *bpmn.Definitions, flows []struct {
	ElementID   string `xml:"elementId,attr"`
	Probability string `xml:"executionProbability,attr"`
}, p *Params) []Branch {
	var out []Branch
	var skipped []string
	for _, f := range flows {
		sf := findFlow(defs, f.ElementID)
		if sf == nil || len(sf.Source.Outgoing) < 2 ||
			(sf.Source.Kind != bpmn.ExclusiveGateway && sf.Source.Kind != bpmn.InclusiveGateway) {
			skipped = append(skipped, f.ElementID)
			continue
		}
		out = append(out, Branch{Flow: f.ElementID, Probability: qbpNum(f.Probability, 0)})
	}
	if len(skipped) > 0 {
		p.Notes = append(p.Notes, "probabilities of flows that do not leave an exclusive or inclusive split are ignored: "+strings.Join(skipped, ", "))
	}
	return out
}

func findFlow(defs *bpmn.Definitions, id string) *bpmn.SequenceFlow {
	for _, p := range defs.Processes {
		for _, f := range p.AllFlows {
			if f.ID == id {
				return f
			}
		}
	}
	return nil
}

func xmlUnmarshal(s string, v any) error { return xml.Unmarshal([]byte(s), v) }

package report_test

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/bpmnrun/bpmnrun/bpmn"
	"github.com/bpmnrun/bpmnrun/report"
)

// Draw a model as a heat map of mean waiting times.
func ExampleWriteSVG() {
	defs, err := bpmn.ParseFile("../models/order/order.bpmn")
	if err != nil {
		log.Fatal(err)
	}
	var b strings.Builder
	err = report.WriteSVG(&b, defs, report.SVGOptions{Overlay: &report.Overlay{
		Name:   "mean waiting time",
		Unit:   report.Seconds,
		Values: map[string]float64{"reserve_stock": 71.1, "charge_payment": 17.8},
	}})
	if err != nil {
		log.Fatal(err)
	}
	svg := b.String()
	fmt.Println(svg[:strings.Index(svg, "\n")])
	i := strings.Index(svg, `<g id="reserve_stock"`)
	fmt.Println(svg[i : i+strings.Index(svg[i:], "</title>")+8])
	// Output:
	// <svg xmlns="http://www.w3.org/2000/svg" class="bpmn-diagram" viewBox="118 125 874 320" width="874" height="320" font-family="Arial, Helvetica, sans-serif" font-size="11">
	// <g id="reserve_stock" data-element="reserve_stock" class="shape serviceTask"><title>Reserve stock
	// serviceTask (reserve_stock)
	// mean waiting time: 71.1 s</title>
}

// Write an HTML report built by hand.
func ExampleWriteHTML() {
	defs, err := bpmn.ParseFile("../models/order/order.bpmn")
	if err != nil {
		log.Fatal(err)
	}
	r := report.Report{
		Title: "Order process, 40 orders per hour",
		Model: defs,
		Seed:  42,
		KPIs: []report.KPI{
			{Name: "mean cycle time", Value: report.FormatValue(484.8, report.Seconds)},
			{Name: "throughput", Value: report.FormatValue(39.5, report.PerHour)},
		},
		Overlays: []report.Overlay{{Name: "mean waiting time", Unit: report.Seconds,
			Values: map[string]float64{"reserve_stock": 71.1, "charge_payment": 17.8}}},
		Pools: []report.PoolMetrics{{Name: "warehouse", Size: 2, Utilisation: 0.686}},
	}
	if err := report.WriteHTML(os.Stdout, r); err != nil {
		log.Fatal(err)
	}
}

func ExampleFormatValue() {
	fmt.Println(report.FormatValue(484.76, report.Seconds))
	fmt.Println(report.FormatValue(0.686, report.Ratio))
	fmt.Println(report.FormatValue(39.485, report.PerHour))
	// Output:
	// 8.08 min
	// 68.6 %
	// 39.48 /h
}

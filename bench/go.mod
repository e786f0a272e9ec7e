module github.com/bpmnrun/bpmnrun/bench

go 1.26.0

require github.com/bpmnrun/bpmnrun v0.0.0

require (
	github.com/antonmedv/expr v1.14.3 // indirect
	github.com/bwmarrin/snowflake v0.3.0 // indirect
	github.com/nitram509/lib-bpmn-engine v0.3.0-rc1
	github.com/senseyeio/duration v0.0.0-20180430131211-7c2a214ada46 // indirect
	golang.org/x/text v0.44.0 // indirect
)

replace github.com/bpmnrun/bpmnrun => ../

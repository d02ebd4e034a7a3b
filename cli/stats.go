package cli

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"stsim/sim"
	"stsim/sim/workload"
)

// profiling is how `stsim run` measures itself: --stats prints what each
// run cost on stderr, --cpu-profile and --heap-profile write pprof
// profiles (make profile). None of it touches the report: the wall clock
// is read here, never in the simulator.
type profiling struct {
	stats     bool
	cpu, heap string
	cpuFile   *os.File
	wallStart time.Time
	stderr    io.Writer
}

func (p *profiling) addFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&p.stats, "stats", false, "print what each run cost on stderr: virtual and wall time, instants, reconciles per controller, store writes, peak memory")
	fs.StringVar(&p.cpu, "cpu-profile", "", "write a CPU profile of the runs to this file (go tool pprof)")
	fs.StringVar(&p.heap, "heap-profile", "", "write a heap profile, taken after the runs, to this file (go tool pprof)")
}

// start begins the CPU profile.
func (p *profiling) start() error {
	if p.cpu == "" {
		return nil
	}
	f, err := os.Create(p.cpu)
	if err != nil {
		return &inputError{fmt.Errorf("--cpu-profile: %w", cause(err))}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return &inputError{fmt.Errorf("--cpu-profile: %w", err)}
	}
	p.cpuFile = f
	return nil
}

// stop ends the CPU profile and writes the heap profile.
func (p *profiling) stop() error {
	if p.cpuFile != nil {
		pprof.StopCPUProfile()
		if err := p.cpuFile.Close(); err != nil {
			return &inputError{fmt.Errorf("--cpu-profile: %w", cause(err))}
		}
		p.cpuFile = nil
	}
	if p.heap == "" {
		return nil
	}
	f, err := os.Create(p.heap)
	if err != nil {
		return &inputError{fmt.Errorf("--heap-profile: %w", cause(err))}
	}
	runtime.GC() // the heap profile shows what is live after the runs
	err = pprof.Lookup("heap").WriteTo(f, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &inputError{fmt.Errorf("--heap-profile: %w", cause(err))}
	}
	return nil
}

// begin notes when a run starts.
func (p *profiling) begin() { p.wallStart = time.Now() }

// report prints one run's costs when --stats is given.
func (p *profiling) report(scenario string, rules workload.Rules, virtual time.Duration, st sim.Stats) {
	if !p.stats {
		return
	}
	var per []string
	for _, c := range st.Reconciles {
		if c.Count > 0 {
			per = append(per, fmt.Sprintf("%s %d", c.Controller, c.Count))
		}
	}
	fmt.Fprintf(p.stderr, "stsim: stats: %s, %s rules: virtual time %s, wall time %s, instants %d, store writes %d, reconciles %d (%s), peak memory %s\n",
		scenario, rules, virtual, time.Since(p.wallStart).Round(time.Millisecond), st.Instants, st.Writes, st.TotalReconciles(), strings.Join(per, ", "), peakMemory())
}

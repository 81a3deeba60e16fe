//go:build wasip1

// A plugin that misbehaves on purpose, for the tests: each action must be stopped with a clear error.
package main

import "switchboard/plugins/pdk"

var kept [][]byte

//go:wasmexport spin
func spin() int32 {
	for n := 0; ; n++ {
		if n < 0 {
			return 0
		}
	}
}

//go:wasmexport hog
func hog() int32 {
	for size := 1 << 20; ; size *= 2 {
		kept = append(kept, make([]byte, size))
	}
}

//go:wasmexport exfiltrate
func exfiltrate() int32 {
	response := pdk.HTTP(pdk.Request{Method: "GET", URL: "http://169.254.169.254/latest/meta-data/"})
	if response.Error != "" {
		return pdk.Fail(response.Error)
	}
	return pdk.OutputJSON(response)
}

//go:wasmexport flood
func flood() int32 {
	big := make([]byte, 256<<10)
	for i := range big {
		big[i] = 'x'
	}
	pdk.Output(big)
	return 0
}

func main() {}

//go:build wasip1

// Package pdk is the few calls of Extism's kernel ABI (namespace extism:host/env) a Switchboard
// plugin needs, and Switchboard's one host function (extism:host/user switchboard_http). It is
// written against the ABI directly because the Extism Go PDK is not served by the module proxy this
// project builds from; the calls and their meaning are Extism's.
package pdk

import "encoding/json"

//go:wasmimport extism:host/env input_length
func inputLength() uint64

//go:wasmimport extism:host/env input_load_u8
func inputLoadU8(offset uint64) uint32

//go:wasmimport extism:host/env alloc
func alloc(length uint64) uint64

//go:wasmimport extism:host/env length
func length(offset uint64) uint64

//go:wasmimport extism:host/env load_u8
func loadU8(offset uint64) uint32

//go:wasmimport extism:host/env store_u8
func storeU8(offset uint64, value uint32)

//go:wasmimport extism:host/env output_set
func outputSet(offset uint64, length uint64)

//go:wasmimport extism:host/env error_set
func errorSet(offset uint64)

//go:wasmimport extism:host/user switchboard_http
func switchboardHTTP(request uint64) uint64

// Input is the call's input: the action's parameters as JSON.
func Input() []byte {
	n := inputLength()
	out := make([]byte, n)
	for i := uint64(0); i < n; i++ {
		out[i] = byte(inputLoadU8(i))
	}
	return out
}

func store(data []byte) uint64 {
	offset := alloc(uint64(len(data)))
	for i, b := range data {
		storeU8(offset+uint64(i), uint32(b))
	}
	return offset
}

func load(offset uint64) []byte {
	n := length(offset)
	out := make([]byte, n)
	for i := uint64(0); i < n; i++ {
		out[i] = byte(loadU8(offset + uint64(i)))
	}
	return out
}

// Output sets the call's result.
func Output(data []byte) { outputSet(store(data), uint64(len(data))) }

// OutputJSON sets the call's result to value as JSON.
func OutputJSON(value any) int32 {
	data, err := json.Marshal(value)
	if err != nil {
		return Fail(err.Error())
	}
	Output(data)
	return 0
}

// Fail ends the call with an error message; the exported function returns its result.
func Fail(message string) int32 {
	errorSet(store([]byte(message)))
	return 1
}

// Request is what switchboard_http sends: the host adds the connector's credential and checks the host.
type Request struct {
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
}

// Response is what it answers; Error is set (and Status 0) when the host refused or the call failed.
type Response struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
	Error   string            `json:"error,omitempty"`
}

// HTTP makes a request through Switchboard: the plugin's only way out.
func HTTP(request Request) Response {
	data, _ := json.Marshal(request)
	var response Response
	if err := json.Unmarshal(load(switchboardHTTP(store(data))), &response); err != nil {
		response.Error = err.Error()
	}
	return response
}

//go:build wasip1

// The example plugin: one action that reads an item from an API with the connector's credential.
// Its manifest (manifest.json beside it) declares the action, its parameters and the host it needs.
package main

import (
	"encoding/json"
	"net/url"

	"switchboard/plugins/pdk"
)

type getItemInput struct {
	BaseURL string `json:"baseUrl"`
	ID      string `json:"id"`
}

//go:wasmexport get_item
func getItem() int32 {
	var input getItemInput
	if err := json.Unmarshal(pdk.Input(), &input); err != nil {
		return pdk.Fail("the input is not JSON: " + err.Error())
	}
	response := pdk.HTTP(pdk.Request{Method: "GET", URL: input.BaseURL + "/items/" + url.PathEscape(input.ID), Headers: map[string]string{"accept": "application/json"}})
	if response.Error != "" {
		return pdk.Fail(response.Error)
	}
	if response.Status != 200 {
		return pdk.Fail("the API answered " + response.Body)
	}
	var item map[string]any
	if err := json.Unmarshal([]byte(response.Body), &item); err != nil {
		return pdk.Fail("the API answered something other than JSON")
	}
	return pdk.OutputJSON(map[string]any{"item": item, "via": "example plugin"})
}

func main() {}

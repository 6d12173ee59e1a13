/*
 * The cold-load floor: the smallest Node-API addon there is (one exported
 * function), loaded through a one-line JS module. `require('pidlock-native')`
 * is compared with `require()` of this, in the same run (bench/sections/load.js).
 */
#include <node_api.h>

static napi_value Noop(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "noop", NAPI_AUTO_LENGTH, Noop, NULL, &fn);
  napi_set_named_property(env, exports, "noop", fn);
  return exports;
}

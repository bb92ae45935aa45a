// Hyperparameters as the SageMaker training toolkit hands them to a training script.
//
// CreateTrainingJob carries string values; the SageMaker SDK JSON-encodes each one ("100",
// "\"train.py\""). The toolkit decodes every value as JSON when it can (else keeps the
// string), splits off the framework's own `sagemaker_*` parameters, and passes the rest to the
// script as `--name value` arguments (sorted by name; a one-letter name gets a single dash)
// with Python's str() of each value, and as SM_HP_<NAME> variables (strings as they are,
// other values as compact JSON). These functions reproduce that exactly. Stateless;
// thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"

namespace sagemaker {

struct DecodedHyperparameters {
  base::Json user = base::Json::object();       // what the script sees (SM_HPS)
  base::Json framework = base::Json::object();  // the sagemaker_* parameters
};

// json.loads(raw), or the raw string when it is not JSON.
base::Json DecodeHyperparameter(std::string_view raw);
DecodedHyperparameters DecodeHyperparameters(const std::map<std::string, std::string>& raw);

// Python's str() of a decoded value: True/False/None, repr() of floats ("1e-05", "100.0"),
// lists and objects in Python's literal syntax.
std::string PythonStr(const base::Json& value);
// The toolkit's to_cmd_args: ["--epochs", "10", "-b", "32", ...].
std::vector<std::string> ToCommandArgs(const base::Json& user_hyperparameters);
// The toolkit's to_env_vars value: strings as they are, others as compact sorted JSON.
std::string EnvValue(const base::Json& value);
// Python's json.dumps(value, sort_keys=True, separators=(",", ":")) of a decoded value.
std::string CompactJson(const base::Json& value);

}  // namespace sagemaker

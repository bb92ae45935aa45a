// The npm `mlflow` client (a Node.js client of the tracking REST API) against a UniStudio
// tracking server. MLFLOW_TRACKING_URI, MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD
// name the server and an access key, as they do for MLflow's Python client.
import assert from 'node:assert/strict';
import {test} from 'node:test';

import MLflow from 'mlflow';

const uri = process.env.MLFLOW_TRACKING_URI;
const basic = Buffer.from(
    `${process.env.MLFLOW_TRACKING_USERNAME}:${process.env.MLFLOW_TRACKING_PASSWORD}`).toString(
    'base64');
const client = new MLflow({endpoint: uri, headers: {Authorization: `Basic ${basic}`}});
const {Experiments, Runs, Metrics, Artifacts} = client;

// The client prints every request body; keep the test output readable.
console.log = () => {};

function errorOf(e) {
  return JSON.parse(e.message.replace(/^Error: /, ''));
}

test('experiments, runs, metrics and params through the npm client', async () => {
  const {experiment_id} = await Experiments.create({name: 'js-experiment'});
  const {experiment} = await Experiments.get({experiment_id});
  assert.equal(experiment.name, 'js-experiment');
  await Experiments.update({experiment_id, new_name: 'js-experiment-2'});
  const {experiments} = await Experiments.list({view_type: 'ACTIVE_ONLY'});
  assert.ok(experiments.some(e => e.name === 'js-experiment-2'));

  const {run} = await Runs.create({
    experiment_id, user_id: 'sato', start_time: 1700000000000,
    tags: [{key: 'mlflow.runName', value: 'js-run'}],
  });
  const run_id = run.info.run_id;
  assert.equal(run.info.run_name, 'js-run');
  await Runs.logParameter({run_id, key: 'optimizer', value: 'adam'});
  await assert.rejects(Runs.logParameter({run_id, key: 'optimizer', value: 'sgd'}), e => {
    const {status, data} = errorOf(e);
    assert.equal(status, 400);
    assert.equal(data.error_code, 'INVALID_PARAMETER_VALUE');
    return true;
  });
  for (let step = 0; step < 5; step++) {
    await Runs.logMetric({run_id, key: 'loss', value: 1 / (step + 1), timestamp: 1700000000000 + step, step});
  }
  await Runs.logBatch({
    run_id,
    metrics: [{key: 'auc', value: 0.91, timestamp: 1700000001000, step: 0}],
    params: [{key: 'epochs', value: '10'}],
    tags: [{key: 'stage', value: 'dev'}],
  });
  await Runs.setTag({run_id, key: 'stage', value: 'prod'});
  await Runs.setTag({run_id, key: 'scratch', value: 'x'});
  await Runs.deleteTag({run_id, key: 'scratch'});

  const got = (await Runs.get({run_id})).run;
  const metrics = Object.fromEntries(got.data.metrics.map(m => [m.key, m.value]));
  assert.deepEqual(metrics, {loss: 0.2, auc: 0.91});
  const params = Object.fromEntries(got.data.params.map(p => [p.key, p.value]));
  assert.deepEqual(params, {optimizer: 'adam', epochs: '10'});
  const tags = Object.fromEntries(got.data.tags.map(t => [t.key, t.value]));
  assert.equal(tags.stage, 'prod');
  assert.equal(tags.scratch, undefined);

  const {metrics: history} = await Metrics.getHistory({run_id, metric_key: 'loss'});
  assert.deepEqual(history.map(m => m.step), [0, 1, 2, 3, 4]);

  const {runs} = await Runs.search({
    experiment_ids: [experiment_id], filter: "metrics.auc > 0.9 and params.optimizer = 'adam'",
    run_view_type: 'ACTIVE_ONLY', max_results: 10, order_by: ['metrics.loss ASC'],
  });
  assert.deepEqual(runs.map(r => r.info.run_id), [run_id]);

  await Runs.update({run_id, status: 'FINISHED', end_time: 1700000009000});
  assert.equal((await Runs.get({run_id})).run.info.status, 'FINISHED');
  const listed = await Artifacts.list({run_id});
  assert.equal(listed.root_uri, got.info.artifact_uri);

  await Runs.delete({run_id});
  assert.equal((await Runs.get({run_id})).run.info.lifecycle_stage, 'deleted');
  await Runs.restore({run_id});
  await Experiments.delete({experiment_id});
  assert.equal((await Experiments.get({experiment_id})).experiment.lifecycle_stage, 'deleted');
  await Experiments.restore({experiment_id});
});

test('unknown ids answer RESOURCE_DOES_NOT_EXIST with 404', async () => {
  await assert.rejects(Runs.get({run_id: '0123456789abcdef0123456789abcdef'}), e => {
    const {status, data} = errorOf(e);
    assert.equal(status, 404);
    assert.equal(data.error_code, 'RESOURCE_DOES_NOT_EXIST');
    return true;
  });
});

test('a client without credentials is refused with 401', async () => {
  const anon = new MLflow({endpoint: uri});
  await assert.rejects(anon.Experiments.get({experiment_id: '0'}), e => {
    assert.equal(errorOf(e).status, 401);
    return true;
  });
});

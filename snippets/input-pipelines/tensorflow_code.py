# --8<-- [start:shards]
import tempfile
from pathlib import Path

import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
features = rng.standard_normal((256, 16)).astype(np.float32)
labels = rng.integers(0, 10, size=256)

folder = tempfile.TemporaryDirectory()  # removed at the end of the program
shard_files = []
for shard, rows in enumerate(np.split(np.arange(256), 4)):  # 4 files of 64 examples
    path = str(Path(folder.name) / f"part-{shard}.tfrecord")
    with tf.io.TFRecordWriter(path) as writer:
        for i in rows:
            example = tf.train.Example(features=tf.train.Features(feature={
                "x": tf.train.Feature(float_list=tf.train.FloatList(value=features[i])),
                "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[labels[i]])),
                "id": tf.train.Feature(int64_list=tf.train.Int64List(value=[i])),
            }))
            writer.write(example.SerializeToString())
    shard_files.append(path)
print("shards:", [Path(f).name for f in shard_files])
print("examples per shard:", [sum(1 for _ in tf.data.TFRecordDataset(f)) for f in shard_files])
# --8<-- [end:shards]

# --8<-- [start:stream]
spec = {
    "x": tf.io.FixedLenFeature([16], tf.float32),
    "y": tf.io.FixedLenFeature([], tf.int64),
    "id": tf.io.FixedLenFeature([], tf.int64),
}


def parse(record):
    example = tf.io.parse_single_example(record, spec)
    return example["x"], example["y"], example["id"]


files = tf.data.Dataset.from_tensor_slices(shard_files)
records = files.interleave(  # read 2 files at a time, one record from each in turn
    tf.data.TFRecordDataset, cycle_length=2,
    num_parallel_calls=tf.data.AUTOTUNE, deterministic=True,
)
examples = records.map(parse, num_parallel_calls=tf.data.AUTOTUNE)
ids = [int(i) for _, _, batch_ids in examples.batch(32) for i in batch_ids]
print("examples:", len(ids), "| distinct:", len(set(ids)))
print("first ids:", ids[:6])
# --8<-- [end:stream]

# --8<-- [start:workers]
def ids_seen(worker_files):
    dataset = worker_files.interleave(tf.data.TFRecordDataset, cycle_length=2).map(parse).batch(32)
    return [int(i) for _, _, batch_ids in dataset for i in batch_ids]


ids = ids_seen(files) + ids_seen(files)  # two workers, each with the whole pipeline
print("every worker reads every shard:", len(ids), "examples,", len(set(ids)), "distinct")
ids = ids_seen(files.shard(num_shards=2, index=0)) + ids_seen(files.shard(num_shards=2, index=1))
print("shards split among workers:", len(ids), "examples,", len(set(ids)), "distinct")
# --8<-- [end:workers]

# --8<-- [start:parallel]
import time

calls = []


def expensive(x, y, i, seconds=0.005):
    def work(x):
        calls.append(1)
        time.sleep(seconds)  # stands for an expensive transform
        return x

    transformed = tf.py_function(work, [x], tf.float32)
    transformed.set_shape(x.shape)
    return transformed, y, i


def examples_per_second(dataset):
    batches = iter(dataset)
    next(batches)  # the clock starts at the first batch: start-up costs are left out
    start = time.perf_counter()
    count = sum(len(batch_ids) for _, _, batch_ids in batches)
    return count / (time.perf_counter() - start)


one_at_a_time = examples_per_second(examples.map(expensive).batch(32))
parallel_map = examples.map(expensive, num_parallel_calls=tf.data.AUTOTUNE)
in_parallel = examples_per_second(parallel_map.batch(32))
print("parallel map faster than one call at a time:", in_parallel > one_at_a_time)
# --8<-- [end:parallel]

# --8<-- [start:cache]
cached = examples.map(expensive, num_parallel_calls=tf.data.AUTOTUNE).cache().batch(32)
for epoch in (1, 2):
    calls.clear()
    count = sum(len(batch_ids) for _, _, batch_ids in cached)
    print(f"epoch {epoch}: {count} examples, the transform ran {len(calls)} times")
# --8<-- [end:cache]

# --8<-- [start:prefetch]
def train_on(dataset, seconds_per_batch=0.06):
    batches = iter(dataset)
    next(batches)
    start = time.perf_counter()
    for x, y, i in batches:
        time.sleep(seconds_per_batch)  # stands for a training step
    return time.perf_counter() - start


# 10 batches of 4; the transform works on whole batches, 60 ms each
slow = examples.take(40).batch(4).map(lambda x, y, i: expensive(x, y, i, seconds=0.06))
no_prefetch = tf.data.Options()
no_prefetch.experimental_optimization.inject_prefetch = False  # on by default: see below
in_turn = train_on(slow.with_options(no_prefetch))
overlapped = train_on(slow.prefetch(tf.data.AUTOTUNE))
print("loading while training is faster:", overlapped < in_turn)
print("tf.data's own prefetch is faster too:", train_on(slow) < in_turn)
folder.cleanup()
# --8<-- [end:prefetch]

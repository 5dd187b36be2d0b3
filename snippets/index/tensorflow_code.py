# --8<-- [start:hello]
import tensorflow as tf

x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
print(x * 10)
print("shape:", tuple(x.shape), "| sum:", float(tf.reduce_sum(x)))
# --8<-- [end:hello]

# --8<-- [start:data]
import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

X, y = load_digits(return_X_y=True)
X = (X / 16).astype("float32")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
print(f"train: {len(X_train)} images, test: {len(X_test)}, {X.shape[1]} pixels each, {len(np.unique(y))} classes")
# --8<-- [end:data]

# --8<-- [start:model]
class DigitsClassifier(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = keras.layers.Dense(64, activation="relu")
        self.logits = keras.layers.Dense(10)

    def call(self, x):
        return self.logits(self.hidden(x))

    def train_step(self, data):  # one step of fit, written by you
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)  # the loss given to compile
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        for metric in self.metrics:  # the loss tracker, then the metrics given to compile
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {metric.name: metric.result() for metric in self.metrics}
# --8<-- [end:model]

# --8<-- [start:fit]
keras.utils.set_random_seed(0)
model = DigitsClassifier()
model.compile(
    optimizer=keras.optimizers.Adam(0.001),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
# fit runs train_step in a tf.function, calls the callbacks and returns the History
history = model.fit(X_train, y_train, batch_size=32, epochs=5, verbose=0)
print("history keys:", sorted(history.history))
print("optimizer steps:", int(model.optimizer.iterations))
test = model.evaluate(X_test, y_test, verbose=0, return_dict=True)  # the built-in test_step
print(f"test accuracy: {test['accuracy']:.3f}")
# --8<-- [end:fit]

# --8<-- [start:loop]
keras.utils.set_random_seed(0)
network = keras.Sequential([
    keras.Input(shape=(64,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(10),
])
optimizer = keras.optimizers.Adam(0.001)
loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
train_data = tf.data.Dataset.from_tensor_slices((X_train, y_train)).shuffle(len(X_train), seed=0).batch(32)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, network(x, training=True))
    grads = tape.gradient(loss, network.trainable_variables)
    optimizer.apply(grads, network.trainable_variables)


for epoch in range(5):
    for x, y_batch in train_data:  # TensorFlow puts each op on the GPU by itself when there is one
        train_step(x, y_batch)

predicted = network.predict(X_test, verbose=0).argmax(axis=1)
print("optimizer steps:", int(optimizer.iterations))
print(f"test accuracy: {(predicted == y_test).mean():.3f}")
# --8<-- [end:loop]

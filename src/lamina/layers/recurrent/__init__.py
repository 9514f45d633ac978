"""Recurrent layers: RNN, SimpleRNN, LSTM, GRU, their cells and wrappers."""

from lamina.layers.recurrent.bidirectional import Bidirectional
from lamina.layers.recurrent.gru import GRU
from lamina.layers.recurrent.gru_cell import GRUCell
from lamina.layers.recurrent.lstm import LSTM
from lamina.layers.recurrent.lstm_cell import LSTMCell
from lamina.layers.recurrent.rnn import RNN
from lamina.layers.recurrent.simple_rnn import SimpleRNN
from lamina.layers.recurrent.simple_rnn_cell import SimpleRNNCell
from lamina.layers.recurrent.stacked_rnn_cells import StackedRNNCells
from lamina.layers.recurrent.time_distributed import TimeDistributed

__all__ = [
    "Bidirectional",
    "GRU",
    "LSTM",
    "RNN",
    "GRUCell",
    "LSTMCell",
    "SimpleRNN",
    "SimpleRNNCell",
    "StackedRNNCells",
    "TimeDistributed",
]

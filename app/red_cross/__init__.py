"""Red Cross major-illness aid (红十字会大病救助, Yubei 3(3)1(3)): the terms and the quotes."""

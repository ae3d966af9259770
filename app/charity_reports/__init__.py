"""The charity federation's monthly needs report (各镇街每月定时向区慈善会报送救助需求)."""

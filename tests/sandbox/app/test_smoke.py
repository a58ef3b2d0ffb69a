def test_index_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "北京经开区" in response.get_data(as_text=True) or "Sandbox" in response.get_data(as_text=True)

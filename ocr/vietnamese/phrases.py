"""Hand-written vocabulary of Vietnamese land/environment administration.

These are the set phrases of decisions, certificates, applications and contracts at a one-stop-shop
office. The corrector reads syllable bigrams from them, so that "Thừa đất" becomes "Thửa đất" and
"quyết lịnh" becomes "quyết định". General words only: no text of any test corpus.
"""

PHRASES = """
Cộng hòa xã hội chủ nghĩa Việt Nam
Độc lập - Tự do - Hạnh phúc
Ủy ban nhân dân tỉnh
Ủy ban nhân dân huyện
Ủy ban nhân dân quận
Ủy ban nhân dân thành phố
Ủy ban nhân dân thị xã
Ủy ban nhân dân xã
Ủy ban nhân dân phường
Ủy ban nhân dân thị trấn
Hội đồng nhân dân
Chủ tịch Ủy ban nhân dân
Phó Chủ tịch
Chủ tịch nước
Thủ tướng Chính phủ
Chính phủ
Quốc hội
Bộ Tài nguyên và Môi trường
Sở Tài nguyên và Môi trường
Phòng Tài nguyên và Môi trường
Bộ Tài chính
Sở Tài chính
Bộ Xây dựng
Sở Xây dựng
Sở Nông nghiệp và Phát triển nông thôn
Sở Kế hoạch và Đầu tư
Bộ Tư pháp
Sở Tư pháp
Cục Thuế
Chi cục Thuế
Văn phòng đăng ký đất đai
Chi nhánh Văn phòng đăng ký đất đai
Trung tâm phát triển quỹ đất
Trung tâm hành chính công
Trung tâm phục vụ hành chính công
Bộ phận tiếp nhận và trả kết quả
Bộ phận một cửa
công chức địa chính
cán bộ địa chính
Trung tâm Công nghệ thông tin
Thanh tra Sở
Thanh tra tỉnh
Công an tỉnh
Công an huyện
Luật Đất đai
Luật Bảo vệ môi trường
Luật Xây dựng
Luật Nhà ở
Luật Kinh doanh bất động sản
Luật Tổ chức chính quyền địa phương
Luật Tài nguyên nước
Luật Khoáng sản
Luật Ban hành văn bản quy phạm pháp luật
Bộ luật Dân sự
Căn cứ Luật Đất đai ngày
Căn cứ Nghị định số
Căn cứ Thông tư số
Căn cứ Quyết định số
Căn cứ Nghị quyết số
Căn cứ Luật Tổ chức chính quyền địa phương ngày
Nghị định của Chính phủ quy định chi tiết thi hành một số điều của Luật Đất đai
Thông tư của Bộ trưởng Bộ Tài nguyên và Môi trường
quy định về hồ sơ địa chính
quy định về giấy chứng nhận
quy định về bồi thường, hỗ trợ, tái định cư khi Nhà nước thu hồi đất
quy định về giá đất
quy định về thu tiền sử dụng đất
quy định về thu tiền thuê đất
sửa đổi, bổ sung một số điều
theo đề nghị của Giám đốc Sở Tài nguyên và Môi trường
theo đề nghị của Trưởng phòng Tài nguyên và Môi trường
Xét đề nghị của
Xét hồ sơ
QUYẾT ĐỊNH
Quyết định số
quyết định này có hiệu lực thi hành kể từ ngày ký
Quyết định này có hiệu lực kể từ ngày ký ban hành
Chánh Văn phòng Ủy ban nhân dân
Thủ trưởng các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành quyết định này
các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này
Nơi nhận
Như Điều
Lưu VT
lưu văn thư
TM. Ủy ban nhân dân
KT. Chủ tịch
Điều 1. Điều 2. Điều 3.
Điều khoản điểm
khoản 1 Điều
điểm a khoản
giấy chứng nhận quyền sử dụng đất
giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất
Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất
quyền sở hữu nhà ở
tài sản gắn liền với đất
người sử dụng đất
người sở hữu tài sản
chủ sử dụng đất
hộ gia đình, cá nhân sử dụng đất
hộ gia đình
cá nhân
tổ chức
cộng đồng dân cư
cơ sở tôn giáo
người Việt Nam định cư ở nước ngoài
doanh nghiệp có vốn đầu tư nước ngoài
Thửa đất số
Thửa đất
thửa đất
Tờ bản đồ số
tờ bản đồ địa chính
bản đồ địa chính
bản đồ hiện trạng sử dụng đất
bản đồ quy hoạch sử dụng đất
trích lục bản đồ địa chính
trích đo địa chính thửa đất
sơ đồ thửa đất
Địa chỉ thửa đất
Địa chỉ thường trú
Địa chỉ liên hệ
Diện tích
diện tích đất
diện tích sàn
diện tích xây dựng
diện tích sử dụng
mét vuông
Mục đích sử dụng
mục đích sử dụng đất
Thời hạn sử dụng
thời hạn sử dụng đất
sử dụng lâu dài
Nguồn gốc sử dụng
nguồn gốc sử dụng đất
Nhà nước giao đất có thu tiền sử dụng đất
Nhà nước giao đất không thu tiền sử dụng đất
Nhà nước cho thuê đất trả tiền hằng năm
Nhà nước cho thuê đất trả tiền thuê đất một lần cho cả thời gian thuê
Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất
Hình thức sử dụng
sử dụng riêng
sử dụng chung
đất ở tại nông thôn
đất ở tại đô thị
đất trồng lúa
đất trồng cây hằng năm khác
đất trồng cây lâu năm
đất rừng sản xuất
đất rừng phòng hộ
đất rừng đặc dụng
đất nuôi trồng thủy sản
đất nông nghiệp
đất phi nông nghiệp
đất thương mại, dịch vụ
đất sản xuất, kinh doanh phi nông nghiệp
đất cơ sở sản xuất phi nông nghiệp
đất công trình sự nghiệp
đất chưa sử dụng
đất nghĩa trang, nghĩa địa
đất sông, ngòi, kênh, rạch, suối
chuyển mục đích sử dụng đất
chuyển nhượng quyền sử dụng đất
hợp đồng chuyển nhượng quyền sử dụng đất
hợp đồng tặng cho quyền sử dụng đất
hợp đồng thế chấp quyền sử dụng đất
hợp đồng cho thuê
thừa kế quyền sử dụng đất
văn bản thỏa thuận phân chia di sản thừa kế
văn bản khai nhận di sản
tặng cho
thế chấp
góp vốn bằng quyền sử dụng đất
xóa đăng ký thế chấp
đăng ký biến động đất đai
đăng ký đất đai
đăng ký, cấp giấy chứng nhận quyền sử dụng đất
cấp đổi giấy chứng nhận
cấp lại giấy chứng nhận do bị mất
đính chính giấy chứng nhận đã cấp
tách thửa, hợp thửa
tách thửa đất
hợp thửa đất
gia hạn sử dụng đất
giao đất, cho thuê đất
thu hồi đất
thu hồi giấy chứng nhận
bồi thường, hỗ trợ và tái định cư
phương án bồi thường
giải phóng mặt bằng
giá đất
bảng giá đất
tiền sử dụng đất
tiền thuê đất
lệ phí trước bạ
lệ phí cấp giấy chứng nhận
phí thẩm định hồ sơ
thuế thu nhập cá nhân
thuế sử dụng đất phi nông nghiệp
nghĩa vụ tài chính
thông báo nộp tiền
miễn, giảm tiền sử dụng đất
ghi nợ tiền sử dụng đất
Số vào sổ cấp giấy chứng nhận
sổ địa chính
sổ mục kê đất đai
sổ theo dõi biến động đất đai
Những thay đổi sau khi cấp giấy chứng nhận
Nội dung thay đổi và cơ sở pháp lý
Xác nhận của cơ quan có thẩm quyền
hồ sơ địa chính
hồ sơ đề nghị
hồ sơ gồm
thành phần hồ sơ
số lượng hồ sơ
bản chính
bản sao có chứng thực
bản sao
Đơn đề nghị
Đơn đăng ký biến động đất đai, tài sản gắn liền với đất
Đơn đăng ký, cấp giấy chứng nhận quyền sử dụng đất
Đơn xin giao đất
Đơn xin thuê đất
Đơn xin chuyển mục đích sử dụng đất
Đơn đề nghị tách thửa đất, hợp thửa đất
Kính gửi
Tôi tên là
Họ và tên
Họ tên người sử dụng đất
Ngày tháng năm sinh
Năm sinh
Giới tính
Quốc tịch
Dân tộc
Nơi sinh
Quê quán
Nơi thường trú
Nơi cư trú
Số định danh cá nhân
Căn cước công dân
Thẻ căn cước
Chứng minh nhân dân
Số điện thoại
Ngày cấp
Nơi cấp
Cục Cảnh sát quản lý hành chính về trật tự xã hội
Tôi xin cam đoan nội dung kê khai trên đơn là đúng sự thật
nếu sai tôi hoàn toàn chịu trách nhiệm trước pháp luật
Người viết đơn
Người làm đơn
Người đề nghị
ký, ghi rõ họ tên
ký tên, đóng dấu
ký và ghi rõ họ tên
Phiếu tiếp nhận và hẹn trả kết quả
Phiếu tiếp nhận hồ sơ
Giấy tiếp nhận hồ sơ và hẹn trả kết quả
Mã hồ sơ
Ngày hẹn trả kết quả
Thời gian giải quyết
ngày làm việc
kể từ ngày nhận đủ hồ sơ hợp lệ
Người tiếp nhận hồ sơ
Người nộp hồ sơ
Tên thủ tục hành chính
thủ tục hành chính
giải quyết thủ tục hành chính
cải cách hành chính
dịch vụ công trực tuyến
Cổng dịch vụ công quốc gia
Phiếu yêu cầu
Phiếu chuyển thông tin để xác định nghĩa vụ tài chính về đất đai
Tờ khai lệ phí trước bạ
Tờ khai thuế thu nhập cá nhân
Biên bản
biên bản kiểm tra hiện trạng
biên bản xác minh
biên bản họp
biên bản làm việc
biên bản bàn giao đất trên thực địa
Hôm nay, vào hồi giờ, ngày tháng năm
Tại trụ sở
Thành phần gồm có
Đại diện
Chức vụ
Các bên thống nhất
Biên bản kết thúc vào hồi
Biên bản được lập thành
có giá trị pháp lý như nhau
mỗi bên giữ một bản
Hợp đồng
Bên chuyển nhượng
Bên nhận chuyển nhượng
Bên A
Bên B
Bên tặng cho
Bên được tặng cho
Bên thế chấp
Bên nhận thế chấp
Bên cho thuê
Bên thuê
Giá chuyển nhượng
Phương thức thanh toán
Quyền và nghĩa vụ của các bên
Cam đoan của các bên
Điều khoản cuối cùng
công chứng
chứng thực
Văn phòng công chứng
Phòng công chứng số
Lời chứng của công chứng viên
Công chứng viên
Số công chứng
quyển số
Tờ trình
Về việc
V/v
Báo cáo
Thông báo
Công văn
Giấy mời
Giấy ủy quyền
Hợp đồng ủy quyền
Người ủy quyền
Người được ủy quyền
Phạm vi ủy quyền
Kết quả thẩm định
thẩm định hồ sơ
ý kiến thẩm định
đủ điều kiện
không đủ điều kiện
phù hợp với quy hoạch
quy hoạch sử dụng đất
kế hoạch sử dụng đất
quy hoạch xây dựng
quy hoạch chi tiết
không có tranh chấp
đất không có tranh chấp
không thuộc trường hợp
đúng quy định
theo quy định của pháp luật
theo quy định tại
quy định tại khoản
trường hợp
Đánh giá tác động môi trường
báo cáo đánh giá tác động môi trường
đánh giá tác động môi trường
Quyết định phê duyệt kết quả thẩm định báo cáo đánh giá tác động môi trường
giấy phép môi trường
cấp giấy phép môi trường
kế hoạch bảo vệ môi trường
đăng ký môi trường
bảo vệ môi trường
ô nhiễm môi trường
quan trắc môi trường
chất thải rắn
chất thải nguy hại
nước thải
khí thải
xử lý nước thải
hệ thống xử lý nước thải
tiếng ồn, độ rung
giấy phép khai thác khoáng sản
giấy phép khai thác nước mặt
giấy phép khai thác nước dưới đất
giấy phép xả nước thải vào nguồn nước
tài nguyên nước
khoáng sản
dự án đầu tư
chủ dự án
chủ đầu tư
địa điểm thực hiện dự án
quy mô dự án
công suất
tiến độ thực hiện
giấy phép xây dựng
giấy chứng nhận đầu tư
giấy chứng nhận đăng ký doanh nghiệp
mã số doanh nghiệp
mã số thuế
người đại diện theo pháp luật
trụ sở chính
công ty trách nhiệm hữu hạn
công ty cổ phần
doanh nghiệp tư nhân
hợp tác xã
Ngân hàng thương mại cổ phần
Ngân hàng Nông nghiệp và Phát triển nông thôn Việt Nam
chi nhánh
tỉnh thành phố trực thuộc trung ương
thôn, xóm, ấp, bản, tổ dân phố
khu phố
tổ dân phố
số nhà
đường
ngõ
ngách
hẻm
thôn
xóm
ấp
bản
xã
phường
thị trấn
huyện
quận
thị xã
thành phố
tỉnh
Hà Nội
Thành phố Hồ Chí Minh
Hải Phòng
Đà Nẵng
Cần Thơ
Vị trí
tọa độ
hệ tọa độ VN-2000
bảng tọa độ góc ranh
ranh giới thửa đất
mốc giới
cạnh thửa
chiều dài
chiều rộng
phía Bắc giáp
phía Nam giáp
phía Đông giáp
phía Tây giáp
giáp đường
giáp thửa đất
hiện trạng
nhà ở riêng lẻ
nhà ở
công trình xây dựng
kết cấu
số tầng
năm hoàn thành xây dựng
cấp công trình
rừng sản xuất là rừng trồng
cây lâu năm
đồng Việt Nam
bằng chữ
bằng số
triệu đồng
nghìn đồng
tổng cộng
thành tiền
đơn giá
số tiền
Ngày tháng năm
ngày tháng năm
ngày
tháng
năm
Trang
Mẫu số
ban hành kèm theo
ban hành kèm theo Thông tư số
của Bộ trưởng Bộ Tài nguyên và Môi trường
Nơi nhận như trên
Lưu
Sao y bản chính
Sao lục
Nơi gửi
Ghi chú
Lý do
Lý do cấp đổi
Lý do biến động
Nội dung biến động
Kết quả giải quyết
Kết luận
Kiến nghị
Đề xuất
Ý kiến của
Ý kiến của Ủy ban nhân dân cấp xã
Xác nhận của Ủy ban nhân dân cấp xã
xác nhận
xác minh
kiểm tra
niêm yết công khai
công khai kết quả
không có khiếu nại
khiếu nại, tố cáo
tranh chấp đất đai
hòa giải tranh chấp đất đai
giải quyết tranh chấp
vi phạm hành chính
xử phạt vi phạm hành chính trong lĩnh vực đất đai
lĩnh vực đất đai
lĩnh vực môi trường
lĩnh vực tài nguyên và môi trường
quản lý nhà nước về đất đai
quản lý đất đai
chính sách
pháp luật
thực hiện
tổ chức thực hiện
trách nhiệm
nhiệm vụ, quyền hạn
có trách nhiệm
chịu trách nhiệm
cơ quan có thẩm quyền
cơ quan nhà nước có thẩm quyền
cơ quan tài nguyên và môi trường
cơ quan thuế
cơ quan đăng ký đất đai
người đứng đầu
đơn vị
trực thuộc
trung ương
địa phương
nhân dân
người dân
công dân
doanh nghiệp
nước ngoài
điều chỉnh
bổ sung
sửa đổi
thay thế
bãi bỏ
phê duyệt
chấp thuận
cho phép
đồng ý
thống nhất
được
không được
thông tin
số liệu
dữ liệu
cơ sở dữ liệu đất đai
số hóa hồ sơ
lưu trữ
tài liệu
văn bản
giấy tờ
giấy tờ về quyền sử dụng đất
các loại giấy tờ
bản vẽ
hình thể thửa đất
người nhận
người gửi
ngân sách nhà nước
kho bạc nhà nước
nộp vào ngân sách nhà nước
kể từ ngày
trước ngày
sau ngày
trong thời hạn
không quá
ít nhất
trên địa bàn
địa bàn tỉnh
""".strip().splitlines()
